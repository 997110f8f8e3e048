"""Load and validate koe's labelled data in its three splits.

- ``train``: ``nlp/data/labelled/*.jsonl``, what the text classifier learns from;
- ``dev``: ``eval/dev/{feedback,calls,questions}/*.jsonl``, what thresholds and rules are tuned
  on;
- ``blind``: ``eval/blind/{feedback,calls,questions}/*.jsonl``, written last, scored and never
  read item by item.

``questions`` holds the topic corpus: questions and requests labelled with their recurring topic
(`eval/topics.json`, format in ``eval/briefs/topics/``), for the clustering of all voices.

The format is documented in ``eval/AUTHORING.md``, the labels in ``eval/GUIDELINES.md``. Loading
fails loudly, naming ``file:line``, so a mislabelled line never silently skews a metric.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent
TRAIN_DIR = EVAL_DIR.parent / "nlp" / "data" / "labelled"
SPLITS = ("train", "dev", "blind")
CHANNELS = ("call", "email", "form", "sns")
UNKNOWN_PRODUCT = "(unknown)"


def split_files(split: str, kind: str = "feedback") -> list[Path]:
    """The files of one split: ``kind`` is ``feedback``, ``calls`` or ``questions`` (train has
    only feedback)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    if split == "train":
        return sorted(TRAIN_DIR.glob("*.jsonl")) if kind == "feedback" else []
    return sorted((EVAL_DIR / split / kind).glob("*.jsonl"))


class LabelError(ValueError):
    """A line of the evaluation set breaks the format; the message names file and line."""


@dataclass(frozen=True)
class PiiLabel:
    type: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class LabelledText:
    """One hand-labelled feedback text."""

    id: str
    channel: str
    product: str | None
    issue: str | None
    kind: str
    sentiment: str
    flags: frozenset[str]
    decoy_flags: frozenset[str]
    indirect: bool
    text: str
    pii: tuple[PiiLabel, ...]
    source: str  # file:line, for error messages and reports
    topic: str | None = None  # a topic corpus text's recurring question (eval/topics.json)


@dataclass(frozen=True)
class Catalog:
    products: dict[str, str]
    domains: dict[str, dict]
    issues: dict[str, dict[str, str]]
    kinds: tuple[str, ...]
    sentiments: tuple[str, ...]
    flags: tuple[str, ...]
    pii_types: tuple[str, ...]
    qa_checks: tuple[str, ...]

    def issue_product(self, issue: str) -> str:
        return self.products[self.issues[issue]["product"]]

    def true_product(self, item: LabelledText) -> str:
        """The product a text is about: its issue's, else its product field, else the product
        its id names (koe's own earlier set: ``<product key>-<n>``), else unknown."""
        if item.issue:
            return self.issue_product(item.issue)
        if item.product:
            return item.product
        return self.products.get(item.id.rsplit("-", 1)[0], UNKNOWN_PRODUCT)

    def domain_of(self, item: LabelledText) -> str:
        product = self.true_product(item)
        for key, domain in self.domains.items():
            if any(self.products[p] == product for p in domain["products"]):
                return key
        return UNKNOWN_PRODUCT


def load_catalog(root: Path = EVAL_DIR) -> Catalog:
    raw = json.loads((root / "catalog.json").read_text(encoding="utf-8"))
    return Catalog(
        products=raw["products"],
        domains=raw["domains"],
        issues=raw["issues"],
        kinds=tuple(raw["kinds"]),
        sentiments=tuple(raw["sentiments"]),
        flags=tuple(raw["flags"]),
        pii_types=tuple(raw["pii_types"]),
        qa_checks=tuple(raw["qa_checks"]),
    )


def _locate_pii(
    text: str, items: object, where: str, catalog: Catalog | Topics
) -> tuple[PiiLabel, ...]:
    if not isinstance(items, list):
        raise LabelError(f"{where}: 'pii' must be a list")
    spans = []
    pos = 0
    for item in items:
        if not isinstance(item, dict) or set(item) != {"type", "value"}:
            raise LabelError(f"{where}: each pii item needs exactly 'type' and 'value': {item!r}")
        kind, value = item["type"], item["value"]
        if kind not in catalog.pii_types:
            raise LabelError(f"{where}: unknown pii type {kind!r}")
        if not isinstance(value, str) or not value:
            raise LabelError(f"{where}: pii value must be a non-empty string")
        # Spans are listed in text order, so each search starts after the previous span; a value
        # that occurs twice is found twice.
        start = text.find(value, pos)
        if start < 0:
            start = text.find(value)
            if start < 0:
                raise LabelError(f"{where}: pii value {value!r} is not in the text")
        spans.append(PiiLabel(kind, value, start, start + len(value)))
        pos = start + len(value)
    return tuple(sorted(spans, key=lambda s: s.start))


def _text_item(raw: dict, where: str, catalog: Catalog) -> LabelledText:
    expected = {
        "id",
        "channel",
        "product",
        "issue",
        "kind",
        "sentiment",
        "flags",
        "decoy_flags",
        "indirect",
        "text",
        "pii",
    }
    missing = expected - set(raw)
    extra = set(raw) - expected
    if missing or extra:
        raise LabelError(f"{where}: missing {sorted(missing)} / unexpected {sorted(extra)} fields")
    if raw["channel"] not in CHANNELS:
        raise LabelError(f"{where}: channel {raw['channel']!r} is not one of {CHANNELS}")
    if raw["product"] is not None and raw["product"] not in catalog.products.values():
        raise LabelError(f"{where}: product {raw['product']!r} is not in catalog.json")
    issue = raw["issue"]
    if issue is not None:
        if issue not in catalog.issues:
            raise LabelError(f"{where}: issue {issue!r} is not in catalog.json")
        if raw["kind"] != "complaint":
            raise LabelError(f"{where}: a text with an issue must be kind 'complaint'")
        if raw["product"] is not None and raw["product"] != catalog.issue_product(issue):
            raise LabelError(f"{where}: product field contradicts issue {issue!r}")
    if raw["kind"] not in catalog.kinds:
        raise LabelError(f"{where}: kind {raw['kind']!r} is not one of {catalog.kinds}")
    if raw["sentiment"] not in catalog.sentiments:
        raise LabelError(
            f"{where}: sentiment {raw['sentiment']!r} is not one of {catalog.sentiments}"
        )
    for key in ("flags", "decoy_flags"):
        if not isinstance(raw[key], list) or not set(raw[key]) <= set(catalog.flags):
            raise LabelError(f"{where}: {key} must be a list of {catalog.flags}")
    if set(raw["flags"]) & set(raw["decoy_flags"]):
        raise LabelError(f"{where}: a flag cannot be both real and decoy")
    if not isinstance(raw["indirect"], bool):
        raise LabelError(f"{where}: 'indirect' must be true or false")
    text = raw["text"]
    if not isinstance(text, str) or not text.strip():
        raise LabelError(f"{where}: 'text' must be a non-empty string")
    product = raw["product"]
    return LabelledText(
        id=raw["id"],
        channel=raw["channel"],
        product=product,
        issue=issue,
        kind=raw["kind"],
        sentiment=raw["sentiment"],
        flags=frozenset(raw["flags"]),
        decoy_flags=frozenset(raw["decoy_flags"]),
        indirect=raw["indirect"],
        text=text,
        pii=_locate_pii(text, raw["pii"], where, catalog),
        source=where,
    )


def _json_lines(path: Path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise LabelError(f"{where}: not JSON ({error.msg})") from None
        if not isinstance(raw, dict):
            raise LabelError(f"{where}: each line must be a JSON object")
        yield where, raw


def _load_unique(paths: list[Path], parse, key: str, root: Path, load=None) -> list:
    """Parse every line of ``paths`` against the catalogue ``load`` reads (default
    ``catalog.json``); the ``key`` attribute must be unique across all files."""
    catalog = (load or load_catalog)(root)
    items: list = []
    seen: dict[str, str] = {}
    for path in paths:
        for where, raw in _json_lines(path):
            item = parse(raw, where, catalog)
            value = getattr(item, key)
            if value in seen:
                raise LabelError(f"{where}: {key} {value!r} already used at {seen[value]}")
            seen[value] = where
            items.append(item)
    return items


def load_texts(paths: list[Path] | None = None, root: Path = EVAL_DIR) -> list[LabelledText]:
    """Every labelled text in ``paths`` (default: the dev split), ids checked unique."""
    paths = paths if paths is not None else split_files("dev")
    return _load_unique(paths, _text_item, "id", root)


@dataclass(frozen=True)
class Topics:
    """The topic corpus's catalogue (``eval/topics.json``): recurring questions per product."""

    products: dict[str, str]  # key → the product's Japanese name
    topics: dict[str, dict[str, str]]  # topic → {product (a key), summary}
    kinds: tuple[str, ...]
    sentiments: tuple[str, ...]
    pii_types: tuple[str, ...]

    def true_product(self, item: LabelledText) -> str:
        """The product a question is about: its topic's, else its product field, else unknown."""
        if item.topic:
            return self.products[self.topics[item.topic]["product"]]
        return item.product or UNKNOWN_PRODUCT


def load_topics(root: Path = EVAL_DIR) -> Topics:
    raw = json.loads((root / "topics.json").read_text(encoding="utf-8"))
    return Topics(
        products={k: v for d in raw["domains"].values() for k, v in d["products"].items()},
        topics=raw["topics"],
        kinds=tuple(raw["kinds"]),
        sentiments=tuple(raw["sentiments"]),
        pii_types=tuple(raw["pii_types"]),
    )


def _question_item(raw: dict, where: str, topics: Topics) -> LabelledText:
    expected = {"id", "channel", "product", "topic", "kind", "sentiment", "text", "pii"}
    if set(raw) != expected:
        raise LabelError(
            f"{where}: missing {sorted(expected - set(raw))} / unexpected "
            f"{sorted(set(raw) - expected)} fields"
        )
    if raw["channel"] not in CHANNELS:
        raise LabelError(f"{where}: channel {raw['channel']!r} is not one of {CHANNELS}")
    if raw["product"] is not None and raw["product"] not in topics.products.values():
        raise LabelError(f"{where}: product {raw['product']!r} is not in topics.json")
    topic = raw["topic"]
    if topic is not None:
        if topic not in topics.topics:
            raise LabelError(f"{where}: topic {topic!r} is not in topics.json")
        named = topics.products[topics.topics[topic]["product"]]
        if raw["product"] is not None and raw["product"] != named:
            raise LabelError(f"{where}: product field contradicts topic {topic!r}")
    if raw["kind"] not in topics.kinds:
        raise LabelError(f"{where}: kind {raw['kind']!r} is not one of {topics.kinds}")
    if raw["sentiment"] not in topics.sentiments:
        raise LabelError(
            f"{where}: sentiment {raw['sentiment']!r} is not one of {topics.sentiments}"
        )
    text = raw["text"]
    if not isinstance(text, str) or not text.strip():
        raise LabelError(f"{where}: 'text' must be a non-empty string")
    return LabelledText(
        id=raw["id"],
        channel=raw["channel"],
        product=raw["product"],
        issue=None,
        kind=raw["kind"],
        sentiment=raw["sentiment"],
        flags=frozenset(),
        decoy_flags=frozenset(),
        indirect=False,
        text=text,
        pii=_locate_pii(text, raw["pii"], where, topics),
        source=where,
        topic=topic,
    )


def load_questions(paths: list[Path] | None = None, root: Path = EVAL_DIR) -> list[LabelledText]:
    """Every text of the topic corpus in ``paths`` (default: the dev split's), ids checked
    unique; each is a question or a request with its topic (None: none of the catalogue's)."""
    paths = paths if paths is not None else split_files("dev", "questions")
    return _load_unique(paths, _question_item, "id", root, load_topics)


@dataclass(frozen=True)
class LabelledCall:
    """One hand-labelled call: the record in the calls-log format plus what QA should find."""

    call_id: str
    record: dict  # exactly one line of ``calls/*.jsonl`` as koe ingests it
    checks: frozenset[str]  # the QA checks this call truly fails
    decoys: frozenset[str]  # checks whose surface form appears without the violation
    source: str


def _call_item(raw: dict, where: str, catalog: Catalog) -> LabelledCall:
    if set(raw) != {"call", "labels"}:
        raise LabelError(f"{where}: a call line has exactly 'call' and 'labels'")
    record, labels = raw["call"], raw["labels"]
    if not isinstance(record, dict) or not isinstance(record.get("call_id"), str):
        raise LabelError(f"{where}: 'call' must be a call record with a 'call_id'")
    if not isinstance(labels, dict) or set(labels) != {"checks", "decoys"}:
        raise LabelError(f"{where}: 'labels' has exactly 'checks' and 'decoys'")
    for key in ("checks", "decoys"):
        if not isinstance(labels[key], list) or not set(labels[key]) <= set(catalog.qa_checks):
            raise LabelError(f"{where}: labels.{key} must be a list of {catalog.qa_checks}")
    if set(labels["checks"]) & set(labels["decoys"]):
        raise LabelError(f"{where}: a check cannot be both real and decoy")
    # The record must be one koe accepts; the real reader tells us why not.
    from ingest.calls import _call  # local import: the reader's validation is the contract
    from ingest.fields import BadRecord

    try:
        _call(record, "eval", 1)
    except BadRecord as bad:
        raise LabelError(f"{where}: call record rejected by koe's reader: {bad}") from None
    holds = record.get("hold_segments") or []
    long_unreported = any(h["duration_s"] > 45 and not h["intermediate_report"] for h in holds)
    if long_unreported != ("long_hold_without_report" in labels["checks"]):
        raise LabelError(f"{where}: long_hold_without_report label contradicts hold_segments")
    return LabelledCall(
        call_id=record["call_id"],
        record=record,
        checks=frozenset(labels["checks"]),
        decoys=frozenset(labels["decoys"]),
        source=where,
    )


def load_calls(paths: list[Path] | None = None, root: Path = EVAL_DIR) -> list[LabelledCall]:
    """Every labelled call in ``paths`` (default: the dev split), call ids checked unique."""
    paths = paths if paths is not None else split_files("dev", "calls")
    return _load_unique(paths, _call_item, "call_id", root)
