"""The concordance's text normalization: NFKC and one space for any run of whitespace, so
ＫＸ－２００ finds KX-200 and ｱﾌﾟﾘ finds アプリ, which DuckDB's string functions cannot do.

Each text is normalized once, when it is new or changed (`normalize_new_feedback`, before the
marts are built), and marts.feedback carries the result as `text_normalized`. A search is then
SQL alone (warehouse/sql/app/concordance.sql): DuckDB lower-cases text and term, finds the texts
of the period that contain the term, and cuts each occurrence's context.
"""

from __future__ import annotations

import re
import unicodedata

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.db import sql, transaction

# Python's `\s` for str, spelled for RE2 (Arrow), whose own `\s` is ASCII only.
_WHITESPACE_RE2 = r"[\t\n\x{0b}\f\r\x{1c}-\x{1f}\x{85}\pZ]+"
_WHITESPACE = re.compile(r"\s+")
BATCH = 100_000  # texts normalized and stored per transaction


def normalize(text: str) -> str:
    """NFKC, then one space for each run of whitespace: what the concordance searches and shows."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text))


def normalize_array(texts: pa.Array) -> pa.Array:
    """`normalize` of each text, in Arrow (many times faster than a Python loop)."""
    return pc.replace_substring_regex(pc.utf8_normalize(texts, "NFKC"), _WHITESPACE_RE2, " ")


def normalize_new_feedback(con: duckdb.DuckDBPyConnection) -> int:
    """Normalize every text not normalized yet and forget those of feedback that is gone; the
    number normalized. One transaction per batch: a stopped run keeps what it did."""
    pending = con.sql(sql("search/unnormalized_feedback")).to_arrow_table()
    for offset in range(0, pending.num_rows, BATCH):
        batch = pending.slice(offset, BATCH)
        normalized = pa.table(
            {
                "feedback_id": batch.column("feedback_id"),
                "content_hash": batch.column("content_hash"),
                "text_normalized": normalize_array(batch.column("text_masked").combine_chunks()),
            }
        )
        con.register("normalized_batch", normalized)
        try:
            with transaction(con):
                con.execute(sql("search/save_normalized"))
        finally:
            con.unregister("normalized_batch")
    with transaction(con):
        con.execute(sql("search/drop_orphans"))
    return pending.num_rows
