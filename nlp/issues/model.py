"""Recurring issues: cluster feedback on meaning and wording, per product, into labelled issues.

Sentence embeddings (semantic view) and TF-IDF over Sudachi terms reduced by SVD (lexical view) are
joined, clustered with k-means within each product (k by silhouette), and named by c-TF-IDF.

Before a product's documents are cut, each channel's mean is taken out of its documents: a phone
call, a keigo mail and an SNS post about the same problem differ more in style than two problems
told in one channel, and without this the cut follows the channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nlp.issues.labels import class_tfidf, issue_id, make_label, pick_keywords
from nlp.tokenize import aspect_pairs, content_words
from nlp.vectors import unit_rows

UNCLASSIFIED = -1


@dataclass(frozen=True)
class Issue:
    """One recurring issue, as clustering finds it and as the catalogue keeps it between runs.

    ``representative_ids`` name the members closest to its centre (the ``ids`` given to
    `IssueModel.fit`; their row numbers when none were given). ``centroid`` and ``threshold`` are
    set by the catalogue (`nlp.issues.catalogue`), which lets new documents join the issue.
    """

    issue_id: str
    label: str
    keywords: tuple[str, ...]
    size: int
    representative_ids: tuple[Any, ...]
    product: str | None = None
    centroid: np.ndarray | None = field(default=None, compare=False, repr=False)
    threshold: float | None = None  # cosine a new document needs to join (see identity)


def issue_terms(text: str) -> list[str]:
    """The vocabulary issues are described in: content words plus aspect pairs (``充電|できない``)."""
    return content_words(text) + aspect_pairs(text)


class IssueModel:
    """Find recurring issues in a corpus of customer feedback.

    Parameters
    ----------
    min_size:
        Clusters with fewer members become unclassified (−1).
    lexical_weight:
        Share of the joint feature space given to the lexical view (0 = embeddings only).
    lexical_components:
        SVD dimensions of the TF-IDF view.
    max_issues_per_product:
        Upper end of the k range searched within one product.
    min_silhouette:
        A product whose best cut scores below this silhouette is kept as one issue, so a
        product with a single recurring complaint is not split for the sake of it.
    outlier_z:
        A member whose distance to its centroid exceeds the cluster's median by more than this
        many robust standard deviations (MAD) is unclassified.
    min_similarity:
        A member less cosine-similar than this to its centroid is unclassified.
    n_representatives:
        Members closest to the centroid kept as examples.
    n_init:
        k-means restarts per candidate k.
    kmeans_components:
        k-means cuts a product's rows in this many principal components of them.
    k_patience:
        The search for k stops once this many successive k have not beaten the best silhouette.
    k_margin:
        A larger k beats the best only when its silhouette is higher by more than this share of
        the best: a smaller rise is within the noise of k-means, and counting it as a rise kept
        the search going past a clear cut (see `_split`).
    product_similarity:
        Feedback without a product joins the most similar product (cosine to the product's
        centroid) when at least this similar; below it, it is clustered as product-less.
    unknown_part_size:
        Product-less feedback is cut top-down until its parts are about one product's worth: a
        part larger than this is cut (with k searched over a wide range when the usual range
        keeps it whole) and its pieces cut again; one this size or smaller is cut once, as a
        product is (see `_cut_unknown`).
    random_state:
        Seeds the SVD and k-means; same input, same issues.
    """

    def __init__(
        self,
        min_size: int = 5,
        lexical_weight: float = 0.45,
        lexical_components: int = 100,
        max_issues_per_product: int = 10,
        min_silhouette: float = 0.05,
        outlier_z: float = 3.5,
        min_similarity: float = 0.4,
        n_representatives: int = 3,
        n_init: int = 3,
        kmeans_components: int = 24,
        k_patience: int = 3,
        k_margin: float = 0.01,
        product_similarity: float = 0.2,
        unknown_part_size: int = 300,
        random_state: int = 0,
    ) -> None:
        self.min_size = min_size
        self.lexical_weight = lexical_weight
        self.lexical_components = lexical_components
        self.max_issues_per_product = max_issues_per_product
        self.min_silhouette = min_silhouette
        self.outlier_z = outlier_z
        self.min_similarity = min_similarity
        self.n_representatives = n_representatives
        self.n_init = n_init
        self.kmeans_components = kmeans_components
        self.k_patience = k_patience
        self.k_margin = k_margin
        self.product_similarity = product_similarity
        self.unknown_part_size = unknown_part_size
        self.random_state = random_state

    # --- public --------------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        products: Sequence[str | None] | None = None,
        channels: Sequence[str | None] | None = None,
        terms: Sequence[Sequence[str] | None] | None = None,
        ids: Sequence[Any] | None = None,
    ) -> IssueModel:
        """Cluster ``texts`` (rows of ``embeddings``) into issues; sets ``labels_`` and ``issues_``.

        ``products[i]`` names the product of ``texts[i]``; issues never span two products.
        ``channels[i]`` names its channel (call, email, ...), whose style is set aside when cutting.
        ``terms[i]`` are its `issue_terms`, when already known; None (or a None entry) tokenizes.
        ``ids[i]`` names it in the issues' ``representative_ids`` (default: its row number).
        """
        n = len(texts)
        embeddings = np.asarray(embeddings, dtype=np.float64)
        if n and (embeddings.ndim != 2 or len(embeddings) != n):
            raise ValueError(f"{n} texts but embeddings of shape {embeddings.shape}")
        if products is None:
            products = [None] * n
        if len(products) != n:
            raise ValueError(f"{n} texts but {len(products)} products")
        if channels is None:
            channels = [None] * n
        if len(channels) != n:
            raise ValueError(f"{n} texts but {len(channels)} channels")
        if terms is None:
            terms = [None] * n
        if len(terms) != n:
            raise ValueError(f"{n} texts but {len(terms)} term lists")
        ids = list(range(n)) if ids is None else list(ids)
        if len(ids) != n:
            raise ValueError(f"{n} texts but {len(ids)} ids")
        self.labels_ = np.full(n, UNCLASSIFIED, dtype=np.int64)
        self.issues_: list[Issue] = []
        if n == 0:
            return self
        # Work in a canonical order (product, text) so that shuffling the input changes nothing
        # but the indices: k-means initialisation depends on row order.
        order = np.asarray(
            sorted(
                range(n), key=lambda i: ("" if products[i] is None else str(products[i]), texts[i])
            )
        )
        texts = [texts[i] for i in order]
        products = [products[i] for i in order]
        channels = np.asarray(["" if channels[i] is None else str(channels[i]) for i in order])
        embeddings = embeddings[order]
        terms = self._terms(texts, [terms[i] for i in order])
        # A product's own name says which product, not which problem: issues live within a
        # product already, and its name words would otherwise pull unrelated complaints together.
        naming = {t for p in self._clusterable_products(products) for t in issue_terms(p)}
        terms = [[t for t in doc if t not in naming] for doc in terms]
        features = self._features(embeddings, terms)
        products = self._infer_missing_products(features, products)
        raw = self._cluster(features, products, channels)
        raw = self._drop_outliers(features, raw)
        self._describe(features, raw, terms, products, order, ids)
        return self

    # --- steps ---------------------------------------------------------------------------------

    @staticmethod
    def _terms(texts: Sequence[str], known: Sequence[Sequence[str] | None]) -> list[list[str]]:
        seen: dict[str, list[str]] = {}
        return [
            list(k)
            if k is not None
            else seen[t]
            if t in seen
            else seen.setdefault(t, issue_terms(t))
            for t, k in zip(texts, known, strict=True)
        ]

    def _features(self, embeddings: np.ndarray, terms: list[list[str]]) -> np.ndarray:
        """Unit rows of [semantic · √(1−w) | lexical · √w]; cosine = weighted mix of both views."""
        semantic = unit_rows(embeddings)
        lexical = self._lexical(terms)
        w = self.lexical_weight if lexical is not None else 0.0
        parts = [semantic * np.sqrt(1.0 - w)]
        if w > 0:
            parts.append(lexical * np.sqrt(w))
        return unit_rows(np.hstack(parts))

    def _lexical(self, terms: list[list[str]]) -> np.ndarray | None:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not any(terms):
            return None
        vectorizer = TfidfVectorizer(
            analyzer=lambda doc: doc, min_df=2 if len(terms) >= 20 else 1, sublinear_tf=True
        )
        try:
            tfidf = vectorizer.fit_transform(terms)
        except ValueError:  # no term survives min_df
            return None
        # Repeated texts would weigh on the SVD without adding information: fit on distinct rows.
        _, first = np.unique(np.asarray(["\x1f".join(t) for t in terms]), return_index=True)
        distinct = tfidf[np.sort(first)]
        n_components = min(self.lexical_components, tfidf.shape[1] - 1, distinct.shape[0] - 1)
        if n_components < 2:
            return unit_rows(tfidf.toarray())
        svd = TruncatedSVD(n_components=n_components, random_state=self.random_state)
        svd.fit(distinct)
        return unit_rows(svd.transform(tfidf))

    def _clusterable_products(self, products: Sequence[str | None]) -> list[str]:
        """Products with at least ``min_size`` documents: the ones issues can form within."""
        sizes: dict[str, int] = {}
        for p in products:
            if p is not None:
                sizes[p] = sizes.get(p, 0) + 1
        return sorted(p for p, n in sizes.items() if n >= self.min_size)

    def _infer_missing_products(
        self, features: np.ndarray, products: Sequence[str | None]
    ) -> list[str | None]:
        """Give feedback without a product field (SNS posts, many mails) the product it reads like.

        Each such row joins the product whose centroid it is most similar to, when that similarity
        reaches ``product_similarity``; otherwise it stays product-less. Without this, every
        product-less complaint would be clustered apart from the product it is about.
        """
        known = self._clusterable_products(products)
        if not known or all(p is not None for p in products):
            return list(products)
        centroids = unit_rows(
            np.vstack(
                [
                    features[[i for i, p in enumerate(products) if p == k]].mean(axis=0)
                    for k in known
                ]
            )
        )
        missing = [i for i, p in enumerate(products) if p is None]
        similarity = features[missing] @ centroids.T
        inferred = list(products)
        for row, i in enumerate(missing):
            best = int(np.argmax(similarity[row]))
            if similarity[row, best] >= self.product_similarity:
                inferred[i] = known[best]
        return inferred

    def _cluster(
        self, features: np.ndarray, products: Sequence[str | None], channels: np.ndarray
    ) -> np.ndarray:
        """Raw cluster numbers per product (−1 = product or cluster under ``min_size``)."""
        labels = np.full(len(features), UNCLASSIFIED, dtype=np.int64)
        next_label = 0
        groups: dict[str, list[int]] = {}
        for i, p in enumerate(products):
            groups.setdefault("" if p is None else str(p), []).append(i)
        for key in sorted(groups):
            idx = np.asarray(groups[key])
            if len(idx) < self.min_size:
                continue
            if key == "":
                parts = self._cut_unknown(np.arange(len(idx)), idx, features, channels)
            else:
                parts = self._split(self._without_channel_style(idx, features, channels))
            for members in parts:
                if len(members) >= self.min_size:
                    labels[idx[members]] = next_label
                    next_label += 1
        return labels

    def _cut_unknown(
        self, part: np.ndarray, idx: np.ndarray, features: np.ndarray, channels: np.ndarray
    ) -> list[np.ndarray]:
        """Cut the product-less rows ``idx[part]`` into issues; positions in ``idx`` per issue.

        Feedback with no product (and none inferred) may be about any of many products. A part
        larger than ``unknown_part_size`` is cut as a product is and each piece cut again, until
        the pieces are a product's worth and are cut once. A mix of a hundred problems can score
        under the silhouette gate at every k up to ``max_issues_per_product`` and was kept whole
        as one issue; such a part is cut with k searched on a widening grid up to a problem per
        ``min_size`` rows (`_wide_ks`), where a mix scores well (dev's 2,832 questions: 0.044 at
        k = 8, 0.066 at k = 32) and one large problem still does not (a single problem's 3,000
        rows stay under 0.01 at every k). Cutting every large part whatever its score was tried
        and split one large problem into sixteen.
        """
        big = len(part) > self.unknown_part_size
        x = self._without_channel_style(idx[part], features, channels)
        cut = self._split(x)
        if big and len(cut) == 1:
            # A mix scores about the same at every small k: the wide search looks past them.
            cut = self._split(x, self._wide_ks(len(part)), self.max_issues_per_product)
        pieces = [part[p] for p in cut]
        if not big or len(pieces) == 1:
            return pieces
        return [
            cut for piece in pieces for cut in self._cut_unknown(piece, idx, features, channels)
        ]

    def _wide_ks(self, n: int) -> list[int]:
        """2, 3, 4, 6, 8, 12, 16, … up to n // min_size: the k a large product-less part tries."""
        top = n // self.min_size
        return sorted(k for i in range(top.bit_length()) for k in (2 << i, 3 << i) if k <= top)

    def _without_channel_style(
        self, rows: np.ndarray, features: np.ndarray, channels: np.ndarray
    ) -> np.ndarray:
        """Unit rows of ``features[rows]`` with each channel's own mean taken out.

        What is left is how a document differs from the others of its channel, which is what
        tells its problem apart. A channel with fewer than ``min_size`` documents here has too
        few for a mean of its own; the mean of all the rows is taken out of it instead.
        """
        x = features[rows]
        centred = x - x.mean(axis=0)
        for channel in np.unique(channels[rows]):
            same = channels[rows] == channel
            if same.sum() >= self.min_size:
                centred[same] = x[same] - x[same].mean(axis=0)
        return unit_rows(centred)

    def _split(
        self, x: np.ndarray, ks: Sequence[int] | None = None, patient_until: int = 0
    ) -> list[np.ndarray]:
        """Partition one product's rows with k-means; k maximises the silhouette over ``ks``
        (default 2 … ``max_issues_per_product``), the search stopping once ``k_patience`` steps
        past ``patient_until`` have not beaten the best by more than ``k_margin``. The rows stay
        whole when the best cut scores under ``min_silhouette``.

        The margin is relative, so the wide search of product-less parts, where silhouettes are
        a tenth of a product's, still climbs. Measured on dev's problem reports (true labels):
        0.01 leaves every issue figure within 0.002 (with-product NMI 0.907 → 0.908, text only
        0.751 → 0.750) and keeps the insights sample's leak one issue; 0.05 cost text-only NMI
        0.04 and 0.1 stopped the wide search (a third of the product-less texts unclassified).
        """
        from sklearn.cluster import KMeans
        from sklearn.decomposition import PCA
        from sklearn.metrics import silhouette_score
        from threadpoolctl import threadpool_limits

        n = len(x)
        everything = [np.arange(n)]
        if n < 2 * self.min_size or np.ptp(x, axis=0).max() < 1e-9:  # too few, or all identical
            return everything
        distances = _cosine_distances(x)
        if ks is None:
            ks = range(2, min(self.max_issues_per_product, n // self.min_size, n - 1) + 1)
        # k-means runs on the leading principal components: the cut is as good and several
        # times faster; the silhouette still judges it on the full cosine distances.
        components = min(self.kmeans_components, n - 1, x.shape[1])
        best, best_score, best_step = None, -1.0, None
        # One product's documents are few: a thread pool costs more than it saves.
        with threadpool_limits(1):
            reduced = PCA(components, random_state=self.random_state).fit_transform(x)
            for step, k in enumerate(ks):
                stalled = best_step is not None and step - best_step > self.k_patience
                if stalled and k > patient_until:
                    break  # the silhouette has stopped rising: larger k only slices issues thinner
                cut = KMeans(k, n_init=self.n_init, random_state=self.random_state).fit_predict(
                    reduced
                )
                # Only clusters big enough to be issues count; the rest will be unclassified.
                sizes = np.bincount(cut)
                big = sizes[cut] >= self.min_size
                if len(np.unique(cut[big])) < 2:
                    continue
                # Indexing copies the n × n matrix: only when some documents are left out.
                within = distances if big.all() else distances[np.ix_(big, big)]
                score = silhouette_score(within, cut[big], metric="precomputed")
                # Penalise leaving documents out, so k does not grow just to shed hard cases.
                score *= big.mean()
                if score > best_score + self.k_margin * abs(best_score) + 1e-9:
                    best, best_score, best_step = cut, score, step
        if best is None or best_score < self.min_silhouette:
            return everything
        return [np.flatnonzero(best == c) for c in np.unique(best)]

    def _drop_outliers(self, features: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Unclassify members far from their centroid, then clusters that fell under min_size."""
        labels = labels.copy()
        for c in np.unique(labels[labels >= 0]):
            members = np.flatnonzero(labels == c)
            similarity = features[members] @ unit_rows(features[members].mean(0, keepdims=True))[0]
            distance = 1.0 - similarity
            median = np.median(distance)
            mad = 1.4826 * np.median(np.abs(distance - median))
            far = similarity < self.min_similarity
            if mad > 1e-9:
                far |= (distance - median) / mad > self.outlier_z
            labels[members[far]] = UNCLASSIFIED
            if (~far).sum() < self.min_size:
                labels[members] = UNCLASSIFIED
        return labels

    def _describe(
        self,
        features: np.ndarray,
        raw: np.ndarray,
        terms: list[list[str]],
        products: Sequence[str | None],
        order: np.ndarray,
        ids: Sequence[Any],
    ) -> None:
        """Keywords, labels, ids and representatives; issues ordered by size, then label.

        Rows are in canonical order; ``order`` maps them back to the caller's rows, which
        ``ids`` name.
        """
        clusters = [int(c) for c in np.unique(raw[raw >= 0])]
        if not clusters:
            return
        # Unclassified documents join the c-TF-IDF as one more class: words common there sink.
        classes = [[terms[i] for i in np.flatnonzero(raw == c)] for c in clusters]
        classes.append([terms[i] for i in np.flatnonzero(raw < 0)])
        ranked = class_tfidf(classes)
        drafts = []
        for c, scored in zip(clusters, ranked, strict=False):
            members = np.flatnonzero(raw == c)
            keywords = pick_keywords(scored)
            product = products[members[0]]
            centroid = unit_rows(features[members].mean(0, keepdims=True))[0]
            closeness = features[members] @ centroid
            nearest = np.lexsort((members, -closeness))
            reps = tuple(ids[order[members[j]]] for j in nearest[: self.n_representatives])
            label = make_label(keywords) or "その他"
            drafts.append((c, label, keywords, members, reps, product))
        drafts.sort(key=lambda d: (-len(d[3]), d[1], "" if d[5] is None else str(d[5]), d[3][0]))
        label_counts: dict[str, int] = {}
        for d in drafts:
            label_counts[d[1]] = label_counts.get(d[1], 0) + 1
        used_ids: set[str] = set()
        for new, (_, label, keywords, members, reps, product) in enumerate(drafts):
            if label_counts[label] > 1 and product is not None:
                label = f"{label}（{product}）"  # the same complaint about two products
            salt = "" if product is None else str(product)
            iid = issue_id(keywords, salt)
            n = 1
            while iid in used_ids:
                iid = issue_id(keywords, f"{salt}#{n}")
                n += 1
            used_ids.add(iid)
            self.labels_[order[members]] = new
            self.issues_.append(Issue(iid, label, tuple(keywords), len(members), reps, product))


def _cosine_distances(x: np.ndarray) -> np.ndarray:
    # In place: the n × n matrix is the largest thing a fit holds (200 MB at 5,000 documents).
    d = x @ x.T
    np.subtract(1.0, d, out=d)
    np.clip(d, 0.0, 2.0, out=d)
    np.fill_diagonal(d, 0.0)
    return d
