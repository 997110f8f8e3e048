"""Shared test support: hand-made warehouse rows, the planted sample, the issue corpus and the
browser helpers. ``REPO`` is the repository root."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
