"""Text normalization applied before masking, tokenizing and embedding.

NFKC folds full-width alphanumerics and half-width katakana; the extra rules fold the many dash,
tilde and space characters customers type, which NFKC leaves alone.
"""

from __future__ import annotations

import re
import unicodedata

# Long-vowel marks and dashes typed in place of each other; inside katakana they mean ー.
_DASHES = (
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u30fc\uff70\u2500\u2501\u02d7\u207b\u208b"
)
_KANA = "\u3041-\u3096\u30a1-\u30fa\u30fc"
_KANA_DASH = re.compile(rf"(?<=[{_KANA}])[{_DASHES}]")
_OTHER_DASH = re.compile(rf"(?<![{_KANA}])[{_DASHES}]")
_TILDES = re.compile("[\u301c\uff5e\u223c\u223e]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def normalize(text: str) -> str:
    """Return ``text`` in koe's canonical form (NFKC, folded dashes/tildes, tidy whitespace)."""
    text = _ZERO_WIDTH.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _KANA_DASH.sub("ー", text)
    text = _OTHER_DASH.sub("-", text)
    text = _TILDES.sub("~", text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()
