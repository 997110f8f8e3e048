"""``make bench``: throughput and peak memory of every pipeline stage, in one run on one machine.

The sample generator writes an inbox of about ``--docs`` feedback documents. Each stage then runs
alone on that inbox, timed, with its peak resident memory sampled; finally the real pipeline
steps (the functions the Airflow tasks call) run end to end on a fresh warehouse. End-to-end
throughput is reported as a ratio to the embedding stage alone, measured in the same run, so the
figure means the same on a fast or a slow machine.

Loading the embedding model and training the sentiment classifier cost the same whatever the
number of documents, so they are timed on their own as one-off costs and kept out of every
per-document figure, the embedding stage's included. The end-to-end line is also shown with them
charged to it.

    python -m eval.bench [--docs N] [--seed S]
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

DAYS = 30
END_TO_END_TARGET = 0.7
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE


class PeakMemory:
    """Samples this process's resident memory every few ms while a block runs."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.start = self.peak = 0
        self._stop = threading.Event()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes())
            self._stop.wait(self.interval)

    @contextmanager
    def measure(self):
        self.start = self.peak = _rss_bytes()
        self._stop.clear()
        watcher = threading.Thread(target=self._watch, daemon=True)
        watcher.start()
        try:
            yield self
        finally:
            self._stop.set()
            watcher.join()
            self.peak = max(self.peak, _rss_bytes())


@dataclass(frozen=True)
class Stage:
    name: str
    docs: int
    seconds: float
    peak_mb: float  # peak resident memory of the process during the stage
    grew_mb: float  # how far the stage raised it above where it started

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.seconds if self.seconds else math.inf


def _timed(name: str, docs: int, work: Callable[[], object]) -> tuple[Stage, object]:
    memory = PeakMemory()
    with memory.measure():
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    mb = 1024 * 1024
    return Stage(name, docs, seconds, memory.peak / mb, (memory.peak - memory.start) / mb), result


def generate(out: Path, docs: int, seed: int) -> None:
    from sample import generate as write_sample

    write_sample(out, days=DAYS, per_day=max(4, math.ceil(docs / DAYS)), seed=seed)


def run(docs: int, seed: int, workdir: Path) -> tuple[list[Stage], Stage]:
    from ingest.inbox import list_sources, read_source
    from nlp.analysis import analyze_texts
    from nlp.embed import embed, forget_recent_vectors, load_embedder, model_id
    from nlp.feedback import FeedbackText
    from nlp.issues.catalogue import find_issues
    from nlp.masking import mask_read_result
    from nlp.models import load_classifier
    from nlp.tokenize import forget_tokens
    from pipeline.local import run_all
    from warehouse import analysis, issues
    from warehouse.db import apply_schema, connect
    from warehouse.load import SourceLoad, load_in_batches
    from warehouse.marts import build_marts

    inbox = workdir / "inbox"
    generate(inbox, docs, seed)
    one_off: list[Stage] = []

    def load_model():
        loaded = load_embedder()
        loaded.encode(["準備"])  # weights load lazily, on the first text
        return loaded

    stage, model = _timed("load the embedding model", 0, load_model)
    one_off.append(stage)
    stage, _ = _timed(
        "load (or build) the text classifier",
        0,
        lambda: load_classifier(model, model_id()),
    )
    one_off.append(stage)

    sources = list_sources(inbox)
    stages: list[Stage] = []

    def read_all():
        return [(s, read_source(s, inbox)) for s in sources]

    # The document count is known only after reading; the stage object is rebuilt with it.
    stage, read = _timed("ingest (parse)", 0, read_all)
    n = sum(len(r.feedback) for _, r in read)
    stages.append(Stage(stage.name, n, stage.seconds, stage.peak_mb, stage.grew_mb))

    stage, masked = _timed(
        "normalize + mask PII", n, lambda: [(s, mask_read_result(r)) for s, r in read]
    )
    stages.append(stage)
    items = [
        FeedbackText(
            f.feedback_id,
            f.text,
            hashlib.sha256(f.text.encode("utf-8")).hexdigest(),
            f.product,
            f.channel,
        )
        for _, r in masked
        for f in r.feedback
    ]
    # Embedding starts the analysis task, a new process in Airflow: nothing masking tokenized
    # is remembered there (the classify stage below does reuse what embedding encoded).
    forget_tokens()
    forget_recent_vectors()
    stage, (matrix, vectors) = _timed(
        "embed",
        n,
        lambda: embed([i.text for i in items], [i.content_hash for i in items], model, {}),
    )
    stages.append(stage)

    def per_text():
        return analyze_texts(items, matrix, load_classifier(model, model_id()), model)

    stage, results = _timed("classify (sentences embedded) + terms", n, per_text)
    stages.append(stage)
    items = [
        replace(item, complaint=r.complaint, terms=r.terms)
        for item, r in zip(items, results, strict=True)
    ]
    stage, clustering = _timed("cluster + label", n, lambda: find_issues(items, matrix))
    stages.append(stage)

    def load():
        with connect(workdir / "load.duckdb") as con:
            apply_schema(con)
            # As ingest_channel does: whole files, in transactions of about BATCH_RECORDS.
            load_in_batches(
                con,
                (
                    SourceLoad(source.rel, source.channel, source.sha256, source.size_bytes, result)
                    for source, result in masked
                ),
            )
            analysis.save_embeddings(con, "bench", vectors)
            issues.replace_issues(con, clustering.issues, clustering.assignment)
            build_marts(con)

    stage, _ = _timed("load (DuckDB + marts)", n, load)
    stages.append(stage)

    def end_to_end():
        # The model and the classifier are in memory already (the one-off costs above); each
        # step starts with empty token and vector caches, as an Airflow task does.
        run_all(inbox, workdir / "e2e.duckdb")

    e2e, _ = _timed("end to end (pipeline steps)", n, end_to_end)
    return stages, e2e, one_off


def report(stages: list[Stage], e2e: Stage, one_off: list[Stage]) -> str:
    embed = next(s for s in stages if s.name == "embed")
    lines = [
        f"{'stage':30} {'docs':>7} {'seconds':>8} {'docs/s':>8} {'peak MB':>8} {'+MB':>7}",
    ]
    for s in [*stages, e2e]:
        lines.append(
            f"{s.name:30} {s.docs:7d} {s.seconds:8.2f} {s.docs_per_second:8.1f} "
            f"{s.peak_mb:8.0f} {s.grew_mb:7.0f}"
        )
    lines += ["", "one-off costs (once per process, whatever the number of documents):"]
    for s in one_off:
        lines.append(f"  {s.name:32} {s.seconds:6.2f} s  peak {s.peak_mb:5.0f} MB")
    ratio = e2e.docs_per_second / embed.docs_per_second
    verdict = "meets" if ratio >= END_TO_END_TARGET else "misses"
    cold_seconds = e2e.seconds + sum(s.seconds for s in one_off)
    cold_ratio = (e2e.docs / cold_seconds) / embed.docs_per_second
    lines += [
        "",
        f"end-to-end ÷ embedding-alone throughput: {ratio:.2f} "
        f"({verdict} the {END_TO_END_TARGET} target)",
        f"the same with the one-off costs charged to this run of {e2e.docs} documents: "
        f"{cold_ratio:.2f}",
        f"share of stage time spent embedding: {embed.seconds / sum(s.seconds for s in stages):.2f}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--docs", type=int, default=1200, help="about this many documents")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="koe-bench-") as tmp:
        stages, e2e, one_off = run(args.docs, args.seed, Path(tmp))
    print(report(stages, e2e, one_off))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
