"""A real Airflow cluster for koe on this machine: PostgreSQL for Airflow's metadata, Redis as the
Celery broker, the api-server, scheduler, dag-processor and Celery workers, all on 127.0.0.1.

`python -m cluster up|run|status|down` (the Makefile's `cluster-demo`, `cluster-stop`); every file
the stack writes (data, logs, pid files, secrets) lives in one state directory (`.cluster/`).
The same launcher starts the LocalExecutor instead of Celery, so the two can be compared.
"""
