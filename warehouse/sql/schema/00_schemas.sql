-- The layers. Data flows raw → nlp → staging → marts → insights; the app reads marts and insights.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS nlp;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS insights;

-- raw:     Masked records loaded from the inbox files, one table per record kind, plus the file manifest.
-- nlp:     Analysis outputs: embeddings cache, per-feedback analysis, issues, call QA.
-- staging: Views over raw: JST dates, parsed holds, exact-duplicate detection.
-- marts:   Tables the app reads, rebuilt together in one transaction by warehouse.marts.build_marts.
-- insights: What the marts say: alerts with their evidence and deliveries, root-cause candidates.
