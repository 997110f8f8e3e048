"""The 60-day generated sample the insight, report and browser tests share, and how to map what
koe found back to what the generator planted (its ground_truth.json)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from ingest.records import stable_id

DAYS, PER_DAY, SEED = 60, 60, 7


def build_insights_sample(root: Path) -> tuple[Path, dict]:
    """Generate the inbox and run every step on it: ingest → analysis → marts → insights →
    weekly reports. Returns the warehouse path and the ground truth."""
    from pipeline.local import run_all
    from pipeline.reports import write_weekly_reports
    from sample import generate

    inbox, warehouse = root / "inbox", root / "koe.duckdb"
    generate(inbox, days=DAYS, per_day=PER_DAY, seed=SEED)
    run_all(inbox, warehouse)
    write_weekly_reports(warehouse, root / "reports")
    truth = json.loads((inbox / "ground_truth.json").read_text(encoding="utf-8"))
    return warehouse, truth


def _members(con, truth) -> dict[str, Counter]:
    """Each found issue → how many of its documents carry each planted issue."""
    planted = {stable_id(i["channel"], i["source_key"]): i["issue"] for i in truth["items"]}
    members: dict[str, Counter] = defaultdict(Counter)
    for feedback_id, issue_id in con.execute(
        "SELECT feedback_id, issue_id FROM marts.feedback WHERE issue_id NOT LIKE '\\_\\_%' ESCAPE '\\'"
    ).fetchall():
        members[issue_id][planted.get(feedback_id)] += 1
    return members


def planted_by_issue(con, truth) -> dict[str, str]:
    """Each found issue → the planted issue most of its documents carry."""
    return {issue: counts.most_common(1)[0][0] for issue, counts in _members(con, truth).items()}


def spike_share(con, truth) -> dict[str, float]:
    """Each found issue → the share of its documents that belong to the spiking planted issue."""
    spike = truth["spike"]["issue"]
    return {issue: c[spike] / sum(c.values()) for issue, c in _members(con, truth).items()}


def spike_product(truth) -> str:
    """The display name of the product whose issue the generator makes spike."""
    return product_name(truth, truth["issues"][truth["spike"]["issue"]]["product"])


def product_name(truth, key: str) -> str:
    return next(p["name"] for p in truth["products"] if p["key"] == key)
