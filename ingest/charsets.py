"""Decoding the byte encodings Japanese mail and exports arrive in: UTF-8, CP932, ISO-2022-JP.

Windows mailers label CP932 text "Shift_JIS" and put CP932-only characters (①, ㈱, 髙) into
ISO-2022-JP, so both labels are decoded with CP932's larger character set.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Labels real mailers use for Shift_JIS; all are decoded as its Microsoft superset, CP932.
_SHIFT_JIS_LABELS = {
    "shift_jis", "shift-jis", "sjis", "x-sjis", "s-jis", "csshiftjis", "ms_kanji",
    "ms932", "cp932", "windows-31j", "x-ms-cp932",
}  # fmt: skip
_ISO_2022_JP_LABELS = {"iso-2022-jp", "iso2022_jp", "csiso2022jp", "iso-2022-jp-ms", "cp50220"}
# Code points Python's CP932 codec gives to bytes that no Japanese text contains; seeing one
# means a guess of CP932 was wrong.
_NOT_CP932_TEXT = set("\x80\uf8f0\uf8f1\uf8f2\uf8f3")


@dataclass(frozen=True)
class Export:
    """A decoded spreadsheet export: its text, the encoding, and the lines that did not decode."""

    text: str
    encoding: str  # "utf-8" or "cp932"
    bad_lines: frozenset[int] = frozenset()  # 1-based; their bytes are in ``text`` as U+FFFD


def decode_export(data: bytes) -> Export:
    """Decode a spreadsheet export: UTF-8 (with or without BOM), else CP932.

    When neither decodes the whole file, the encoding that decodes more lines is used line by
    line, so one corrupt row costs that row rather than the file. Raises ``UnicodeDecodeError``
    when no line with non-ASCII bytes decodes in either.
    """
    for encoding, decode in (("utf-8", lambda d: d.decode("utf-8-sig")), ("cp932", _cp932)):
        try:
            return Export(decode(data), encoding)
        except UnicodeDecodeError:
            continue
    # A line break byte never occurs inside a UTF-8 or CP932 character, so lines decode alone.
    lines = data.split(b"\n")
    best = min((_by_line(lines, "utf-8"), _by_line(lines, "cp932")), key=lambda e: len(e.bad_lines))
    if all(line.isascii() for n, line in enumerate(lines, 1) if n not in best.bad_lines):
        raise UnicodeDecodeError("cp932", data, 0, len(data), "no line is UTF-8 or CP932 text")
    return best


def _by_line(lines: list[bytes], encoding: str) -> Export:
    decode = _cp932 if encoding == "cp932" else lambda line: line.decode("utf-8")
    decoded, bad = [], set()
    for number, line in enumerate(lines, start=1):
        try:
            decoded.append(decode(line))
        except UnicodeDecodeError:
            decoded.append(line.decode(encoding, errors="replace"))
            bad.add(number)
    return Export("\n".join(decoded).removeprefix("\ufeff"), encoding, frozenset(bad))


def decode_labelled(data: bytes, label: str | None) -> str:
    """Decode bytes that came with a charset label (a MIME part or an encoded-word).

    The label is tried first; mislabelled or unlabelled bytes fall back to UTF-8, ISO-2022-JP
    and CP932 in that order. Raises ``UnicodeDecodeError`` when nothing decodes cleanly.
    """
    for decode in _decoders(label) + _guesses(data):
        try:
            text = decode(data)
        except (UnicodeDecodeError, LookupError):
            # LookupError: the label names a codec that is not a text encoding (base64, rot13).
            continue
        # An escape byte left in the text is ISO-2022-JP that did not decode (a truncated body):
        # 7-bit UTF-8 "decodes" it into garbage rather than failing.
        if "\x1b" not in text:
            return text
    raise UnicodeDecodeError(label or "unknown", data, 0, len(data), "no Japanese encoding fits")


def _decoders(label: str | None) -> list:
    name = (label or "").strip().strip('"').lower()
    if not name or name in {"us-ascii", "ascii", "unknown-8bit", "x-unknown"}:
        return [_ascii]
    if name in _SHIFT_JIS_LABELS:
        return [_cp932]
    if name in _ISO_2022_JP_LABELS:
        return [lambda data: data.decode("iso2022_jp"), _iso_2022_jp_as_cp932]
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return []
    return [lambda data: data.decode(codec)]


def _guesses(data: bytes) -> list:
    guesses = []
    # ISO-2022-JP is 7-bit, so it also "decodes" as UTF-8 with its escapes left in the text;
    # when JIS escapes are present it must be tried first.
    if b"\x1b$" in data:
        guesses.append(_iso_2022_jp_as_cp932)
    guesses += [lambda data: data.decode("utf-8"), _cp932]
    return guesses


def _ascii(data: bytes) -> str:
    # Old Japanese mailers send ISO-2022-JP with no charset label: its ESC bytes are not ASCII text.
    if b"\x1b" in data:
        raise UnicodeDecodeError("ascii", data, data.index(b"\x1b"), len(data), "escape sequence")
    return data.decode("ascii")


def _cp932(data: bytes) -> str:
    text = data.decode("cp932")
    if _NOT_CP932_TEXT & set(text):
        raise UnicodeDecodeError("cp932", data, 0, len(data), "bytes outside Japanese text")
    return text


def _iso_2022_jp_as_cp932(data: bytes) -> str:
    """ISO-2022-JP decoded through CP932, as Outlook writes it (Python has no CP50220 codec).

    Each JIS X 0208 row/cell pair maps arithmetically onto a Shift_JIS byte pair, so NEC
    special characters such as ① (row 13) survive where the strict codec rejects them.
    """
    out = bytearray()
    mode = "ascii"
    i = 0
    while i < len(data):
        byte = data[i]
        if byte == 0x1B:
            escape = data[i : i + 3]
            if escape in (b"\x1b(B", b"\x1b(J"):
                mode = "ascii"
            elif escape in (b"\x1b$B", b"\x1b$@"):
                mode = "kanji"
            elif escape == b"\x1b(I":
                mode = "kana"
            else:
                raise UnicodeDecodeError("iso-2022-jp", data, i, i + 3, "unsupported escape")
            i += 3
        elif mode == "kanji" and byte not in (0x0A, 0x0D):
            # Both bytes of a JIS character are printable ASCII; anything else means the
            # character was cut off (a truncated body) or the bytes are not ISO-2022-JP.
            if i + 1 >= len(data) or not (0x21 <= byte <= 0x7E and 0x21 <= data[i + 1] <= 0x7E):
                raise UnicodeDecodeError("iso-2022-jp", data, i, i + 2, "truncated character")
            out += _jis_to_shift_jis(byte, data[i + 1])
            i += 2
        else:
            out.append(byte + 0x80 if mode == "kana" and 0x21 <= byte <= 0x5F else byte)
            i += 1
    return _cp932(bytes(out))


def _jis_to_shift_jis(row_byte: int, cell_byte: int) -> bytes:
    lead = ((row_byte + 1) >> 1) + (0x70 if row_byte <= 0x5E else 0xB0)
    if row_byte % 2:
        trail = cell_byte + 0x1F
        if trail >= 0x7F:
            trail += 1
    else:
        trail = cell_byte + 0x7E
    return bytes((lead, trail))
