"""How well koe links one customer's voices across channels, on repeat customers the sample
generator plants (`sample.journeys`): precision and recall of the linked pairs of voices.

The inbox is generated with a fixed seed and goes through the real ingest (reading, masking into
keyed pseudonyms) and the real linking step of the marts build; the ground truth says which
voices are one person. It is our own generator's truth: the spellings and the share of customers
who leave no shared identifier are what we planted, not what a real contact centre sees.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

SEED, DAYS, PER_DAY = 11, 45, 40


@dataclass(frozen=True)
class LinkingScore:
    voices: int  # voices loaded that the ground truth knows
    true_pairs: int  # pairs of voices of one person
    linked_pairs: int  # pairs koe linked
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.linked_pairs if self.linked_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    def __str__(self) -> str:
        return (
            f"customer linking (sample seed {SEED}, {DAYS} days × {PER_DAY}, planted repeat"
            f" customers): precision {self.precision:.3f}, recall {self.recall:.3f}"
            f" ({self.correct_pairs} of {self.linked_pairs} linked pairs right,"
            f" {self.correct_pairs} of {self.true_pairs} true pairs found,"
            f" {self.voices} voices)"
        )


def measure_linking(
    seed: int = SEED, days: int = DAYS, per_day: int = PER_DAY, workdir: Path | None = None
) -> LinkingScore:
    """Generate, ingest and link a sample inbox; score the links against its ground truth."""
    with tempfile.TemporaryDirectory(prefix="koe-linking-", dir=workdir) as tmp:
        inbox, warehouse = Path(tmp) / "inbox", Path(tmp) / "koe.duckdb"
        truth_path = _generate(inbox, seed, days, per_day)
        links, loaded = _link(inbox, warehouse)
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    return score(links, _persons(truth, loaded))


def score(links: dict[str, str], persons: dict[str, str]) -> LinkingScore:
    """Pairs of voices with one customer key against pairs of voices of one person; voices the
    truth does not know are left out."""
    from nlp.linking import linked_pairs

    found = linked_pairs({f: c for f, c in links.items() if f in persons})
    true = linked_pairs(persons)
    return LinkingScore(len(persons), len(true), len(found), len(found & true))


def _generate(inbox: Path, seed: int, days: int, per_day: int) -> Path:
    from sample import generate

    return generate(inbox, days=days, per_day=per_day, seed=seed)


def _link(inbox: Path, warehouse: Path) -> tuple[dict[str, str], set[str]]:
    """The customer links the pipeline makes (ingest, then the marts build's linking step)."""
    from koe.vocabulary import CHANNELS
    from pipeline.ingest import ingest_channel
    from pipeline.marts import build_marts
    from warehouse.customers import voice_customers
    from warehouse.db import connect

    for channel in CHANNELS:
        ingest_channel(channel, inbox, warehouse)
    build_marts(warehouse)
    with connect(warehouse) as con:
        customers = voice_customers(con)
    return {f: c for f, c in customers.items() if c is not None}, set(customers)


def _persons(truth: dict, loaded: set[str]) -> dict[str, str]:
    """feedback_id → planted person, for the loaded voices."""
    from ingest.records import stable_id

    persons = {}
    for item in truth["items"]:
        feedback_id = stable_id(item["channel"], item["source_key"])
        if feedback_id in loaded:
            persons[feedback_id] = item["person"]
    return persons


def main() -> int:
    print(measure_linking())
    return 0
