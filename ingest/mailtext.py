"""What the customer actually wrote in an e-mail body: HTML to text, quotes and signatures cut.

Quoted replies ("> " lines, "… wrote:" / "…さんは書きました:" attributions, "Original Message"
separators) and trailing signatures ("-- " or a ━━━/===/―― rule over contact details) go.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A line that starts the quoted previous message; everything from it on is history.
_QUOTE_HEADER = re.compile(
    r"""^(
        .*\bwrote\s*[:：]
      | .*(さん|様)?(は|が)書きました\s*[:：]?
      | .*<[^<>@\s]+@[^<>\s]+>\s*[:：]          # Gmail's "2026年8月3日(月) 14:05 山田 <a@b>:"
      | -{3,}\s*(Original\s+Message|元のメッセージ|転送メッセージ|Forwarded\s+message)\s*-{3,}
      | _{20,}                                  # Outlook's rule above the quoted header block
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_SIGNATURE_DASHES = re.compile(r"^--\s?$")
# Decorative rules that open a signature block: ━━━━, ────, ――――, ====, ----, ＝＝＝, ****.
# (・・・ and ～～～ are left out: customers use them inside sentences.)
_RULE = re.compile(r"^\s*([━─―—=＝\-_*＊■□◆◇])\1{4,}.*$|^\s*[━─―=＝]{5,}\s*$")
# Evidence that the lines under a rule are contact details rather than more message.
_CONTACT = re.compile(
    r"(TEL|Tel|tel|電話|FAX|Fax|携帯|E-?mail|e-?mail|Mail|mail|メール|〒|https?://|@|株式会社|"
    r"有限会社|合同会社|\(株\)|（株）|部\b|課\b|支店|営業所|住所)"
)
_SIGNATURE_MAX_LINES = 12
_BLOCK_TAGS = {
    "br", "p", "div", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "hr",
}  # fmt: skip


def customer_words(body: str) -> str:
    """The new text of a reply or message, without quoted history or signature."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        bare = line.strip()
        if _QUOTE_HEADER.match(bare) or _SIGNATURE_DASHES.match(line):
            break
        if bare.startswith(">"):
            continue
        kept.append(line.rstrip())
    kept = _without_signature_block(kept)
    return "\n".join(_collapse_blank_lines(kept)).strip()


def _without_signature_block(lines: list[str]) -> list[str]:
    """Cut at the earliest rule whose following lines are a short block of contact details."""
    for index, line in enumerate(lines):
        if not _RULE.match(line):
            continue
        tail = [rest for rest in lines[index + 1 :] if rest.strip()]
        if len(tail) <= _SIGNATURE_MAX_LINES and any(_CONTACT.search(rest) for rest in tail):
            return lines[:index]
    return lines


def _collapse_blank_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return out


def html_to_text(html: str) -> str:
    """Visible text of an HTML body; quoted history in <blockquote> is left out."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return "\n".join(_collapse_blank_lines(lines)).strip()


class _TextExtractor(HTMLParser):
    # Content of these tags is not visible text (or, for blockquote, is the quoted reply).
    _SKIP = {"style", "script", "head", "title", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        else:
            self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag != "br":
            self._break(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._break(tag)

    def _break(self, tag: str) -> None:
        if self._skipping or tag not in _BLOCK_TAGS:
            return
        # <br> is a line break each time; block elements only ever start a fresh line, so
        # Gmail's one-<div>-per-line bodies do not turn into double-spaced text.
        if tag == "br" or (self.parts and not self.parts[-1].endswith("\n")):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # Source line breaks in HTML are layout, not text; only tags make lines.
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))
