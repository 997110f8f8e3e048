"""Shared fixtures of the warehouse tests."""

from __future__ import annotations

import pytest

from warehouse.db import apply_schema, connect


@pytest.fixture
def con(tmp_path):
    """An empty warehouse with the schema applied (test files may define their own `con`)."""
    connection = connect(tmp_path / "warehouse.duckdb")
    apply_schema(connection)
    yield connection
    connection.close()
