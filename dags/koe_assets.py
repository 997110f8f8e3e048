"""The Assets that chain koe's DAGs by data: ingest → analysis → marts."""

from airflow.sdk import Asset

RAW_FEEDBACK = Asset("koe://warehouse/raw", group="koe")
ANALYSIS = Asset("koe://warehouse/nlp", group="koe")
MARTS = Asset("koe://warehouse/marts", group="koe")
