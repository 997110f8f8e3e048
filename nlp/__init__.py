"""Japanese text understanding for koe: normalization, PII masking, tokens, embeddings, issues,
sentiment, risk flags and agent QA. Pure Python; no Airflow or DuckDB imports."""
