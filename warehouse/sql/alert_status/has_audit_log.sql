-- Whether the app's log has been created (a reader opens it read-only and creates nothing).
SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'audit_log';
