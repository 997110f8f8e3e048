-- The tables a snapshot copies: every table of the schemas the app reads, in a stable order.
SELECT schema_name, table_name
FROM duckdb_tables()
WHERE database_name = 'publish_source' AND schema_name IN (SELECT unnest($schemas::VARCHAR[]))
ORDER BY schema_name, table_name;
