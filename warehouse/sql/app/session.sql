-- The catalog and time zone of a snapshot connection, to set up its per-thread cursors alike.
SELECT current_database() AS database_name, current_setting('TimeZone') AS time_zone;
