-- marts.kpi_targets: the service levels the dashboard compares marts.kpi_daily against, as
-- koe.vocabulary.KPIS defines them (registered by warehouse.marts as kpi_targets_batch).
CREATE OR REPLACE TABLE marts.kpi_targets AS
SELECT kpi, label_ja, target, direction, informational
FROM kpi_targets_batch;

COMMENT ON TABLE marts.kpi_targets IS 'Target per KPI column of marts.kpi_daily; met when value <direction> target.';
COMMENT ON COLUMN marts.kpi_targets.kpi IS 'Column name in marts.kpi_daily.';
COMMENT ON COLUMN marts.kpi_targets.direction IS '>= (higher is better) or <= (lower is better).';
COMMENT ON COLUMN marts.kpi_targets.informational IS 'true = shown for context, not one of the service-level commitments.';
