-- Tables and views of the four layers, for `python -m warehouse describe`.
SELECT schema_name, table_name, 'table' AS kind
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name IN ('raw', 'nlp', 'staging', 'marts')
UNION ALL
SELECT schema_name, view_name, 'view'
FROM duckdb_views()
WHERE database_name = current_database() AND schema_name IN ('raw', 'nlp', 'staging', 'marts')
ORDER BY
    CASE schema_name WHEN 'raw' THEN 1 WHEN 'nlp' THEN 2 WHEN 'staging' THEN 3 ELSE 4 END,
    table_name;
