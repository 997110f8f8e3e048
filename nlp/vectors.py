"""Unit-length vectors: every similarity in nlp/ is a dot product of unit rows (cosine)."""

from __future__ import annotations

import numpy as np


def unit_rows(matrix: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """``matrix`` (or one vector) scaled to unit length along its last axis; zero rows stay zero."""
    matrix = np.asarray(matrix, dtype=dtype)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)
