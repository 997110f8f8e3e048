"""Arrow batches the warehouse inserts: the shared column types and frame → Arrow conversion.

Every bulk write registers an Arrow table and inserts from it in SQL, so column types are exact
and no value is formatted into a statement.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pyarrow as pa

TIMESTAMP = pa.timestamp("us", tz="UTC")
STRINGS = pa.list_(pa.string())


def frame_batch(
    frame: pd.DataFrame, schema: pa.Schema, what: str, optional: Collection[str] = ()
) -> pa.Table:
    """Frame → Arrow with the exact column types, plus batch_position for last-wins dedupe.

    Columns named in ``optional`` may be missing from the frame: they are filled with NULL, or
    with now() for ``analyzed_at``.
    """
    missing = [n for n in schema.names if n not in frame.columns and n not in optional]
    if missing:
        raise ValueError(f"{what} frame lacks columns {missing}; it has {list(frame.columns)}")
    rows = len(frame)
    columns: dict[str, pa.Array] = {}
    for field in schema:
        values = frame[field.name].tolist() if field.name in frame.columns else [None] * rows
        if field.name == "analyzed_at":
            now = datetime.now(UTC)
            values = [now if is_missing(v) else v for v in values]
        columns[field.name] = pa.array(
            [_arrow_value(v, field.type) for v in values], type=field.type
        )
    columns["batch_position"] = pa.array(range(rows), type=pa.int64())
    return pa.table(columns)


def _arrow_value(value: Any, type_: pa.DataType) -> Any:
    if is_missing(value):
        return None
    if pa.types.is_list(type_):
        if pa.types.is_floating(type_.value_type):
            return [float(v) for v in value]
        return [str(v) for v in value]
    if pa.types.is_timestamp(type_):
        return pd.Timestamp(value).to_pydatetime()
    if pa.types.is_boolean(type_):
        return bool(value)
    if pa.types.is_integer(type_):
        return int(value)
    if pa.types.is_floating(type_):
        return float(value)
    return str(value)


def is_missing(value: Any) -> bool:
    """NULL as it comes back from DuckDB through pandas: None, NA, NaT or NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)
