"""The DuckDB warehouse: schema, bulk loads, marts, published snapshots and the app's queries."""
