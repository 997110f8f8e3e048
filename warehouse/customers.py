"""Customer links in the warehouse: read the identifier pseudonyms of every voice, and store
which customer each voice belongs to (nlp.customer_links), which the marts then count from.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pyarrow as pa

from warehouse.db import run_with_batches, sql

LINKS_BATCH = pa.schema([("feedback_id", pa.string()), ("customer_key", pa.string())])


def voice_contacts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, list[str]]]:
    """(feedback_id, identifier pseudonyms) of every voice that carries one."""
    return con.execute(sql("customers/voice_contacts")).fetchall()


def save_customer_links(con: duckdb.DuckDBPyConnection, links: Mapping[str, str]) -> int:
    """Replace nlp.customer_links with ``links`` (feedback_id → customer key) in one transaction."""
    batch = pa.table(
        {"feedback_id": list(links), "customer_key": list(links.values())}, schema=LINKS_BATCH
    )
    run_with_batches(con, ["customers/replace_links"], links_batch=batch)
    return batch.num_rows


def voice_customers(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """feedback_id → customer key of every loaded voice (None: no identifier to link by)."""
    return dict(con.execute(sql("customers/voice_customers")).fetchall())
