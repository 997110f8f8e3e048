-- The snapshot's marts and insights relations with the columns a scope rule can use.
SELECT t.schema_name, t.table_name,
    list(c.column_name) FILTER (WHERE c.column_name IN
        ('product', 'issue_id', 'feedback_id', 'call_id', 'team', 'products')) AS keys
FROM duckdb_tables() AS t
JOIN duckdb_columns() AS c USING (database_name, schema_name, table_name)
WHERE t.database_name = 'src' AND t.schema_name IN ('marts', 'insights')
GROUP BY ALL
ORDER BY ALL;
