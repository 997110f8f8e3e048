"""The concordance's text folding: NFKC, one space for any run of whitespace, then case folding,
so ＫＸ－２００ finds KX-200 and ｱﾌﾟﾘ finds アプリ, which DuckDB's string functions cannot do.

Each text is folded once, when it is new or changed (`fold_new_feedback`, before the marts are
built), and marts.feedback carries the result as `text_folded`: a search is then a `contains`
in DuckDB over the period's rows, not a Python pass over every text.
"""

from __future__ import annotations

import re
import unicodedata

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.db import sql, transaction

# Python's `\s` for str, spelled for RE2 (Arrow), whose own `\s` is ASCII only.
_WHITESPACE_RE2 = r"[\t\n\x{0b}\f\r\x{1c}-\x{1f}\x{85}\pZ]+"
_WHITESPACE = re.compile(r"\s+")
BATCH = 100_000  # texts folded and stored per step: bounded memory on a large first build


def display_text(text: str) -> str:
    """The text as the concordance shows it: NFKC, whitespace runs as one space."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text))


def fold(text: str) -> str:
    """What a search term and a text are compared as (`display_text`, case folded)."""
    return display_text(text).casefold()


def fold_array(texts: pa.Array) -> pa.Array:
    """`fold` of each text; Arrow does the NFKC and the whitespace, about 3× faster than Python."""
    spaced = pc.replace_substring_regex(pc.utf8_normalize(texts, "NFKC"), _WHITESPACE_RE2, " ")
    return pa.array([None if t is None else t.casefold() for t in spaced.to_pylist()], pa.string())


def fold_new_feedback(con: duckdb.DuckDBPyConnection) -> int:
    """Fold every text not folded yet and forget those of feedback that is gone; the number
    folded. One transaction per batch: a stopped run keeps what it folded."""
    pending = con.sql(sql("search/unfolded_feedback")).to_arrow_table()
    for offset in range(0, pending.num_rows, BATCH):
        batch = pending.slice(offset, BATCH)
        folded_batch = pa.table(
            {
                "feedback_id": batch.column("feedback_id"),
                "content_hash": batch.column("content_hash"),
                "text_folded": fold_array(batch.column("text_masked").combine_chunks()),
            }
        )
        con.register("folded_batch", folded_batch)
        try:
            with transaction(con):
                con.execute(sql("search/save_folded"))
        finally:
            con.unregister("folded_batch")
    with transaction(con):
        con.execute(sql("search/drop_orphans"))
    return pending.num_rows


KWIC_COLUMNS = [
    "feedback_id",
    "created_date",
    "channel",
    "product",
    "issue_label",
    "left",
    "keyword",
    "right",
]


def kwic_lines(texts: pd.DataFrame, needle: str, width: int) -> pd.DataFrame:
    """One line per occurrence of the folded `needle` in each of `texts` (feedback_id,
    created_date, channel, product, issue_label, text_masked): `width` characters of display
    text on either side (`KWIC_COLUMNS`)."""
    lines = []
    pattern = re.compile(re.escape(needle)) if needle else None
    for row in texts.itertuples() if pattern else ():
        text = display_text(row.text_masked or "")
        folded = text.casefold()
        if len(folded) != len(text):  # rare (ß → ss): show the folded text so offsets agree
            text = folded
        for match in pattern.finditer(folded):
            lines.append(
                {
                    "feedback_id": row.feedback_id,
                    "created_date": row.created_date,
                    "channel": row.channel,
                    "product": row.product,
                    "issue_label": row.issue_label,
                    "left": text[max(0, match.start() - width) : match.start()],
                    "keyword": text[match.start() : match.end()],
                    "right": text[match.end() : match.end() + width],
                }
            )
    return pd.DataFrame(lines, columns=KWIC_COLUMNS)
