"""Customers across channels on real pipeline output: the 60-day generated sample through every
step (`pipeline.local.run_all`, tests/support/planted.py) links the repeat customers the generator
planted (`sample.journeys`) and counts their repeat contacts."""

from __future__ import annotations

import re

import pytest

from ingest.records import stable_id
from warehouse.db import connect

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def linked(insights_sample):
    """(customer key per feedback_id, marts.customer_contacts rows by feedback_id, journeys)."""
    warehouse, truth = insights_sample
    with connect(warehouse, read_only=True) as con:
        links = dict(
            con.execute("SELECT feedback_id, customer_key FROM nlp.customer_links").fetchall()
        )
        columns = ["feedback_id", "customer_key", "issue_id", "about_issue", "is_repeat_contact"]
        rows = con.execute(f"SELECT {', '.join(columns)} FROM marts.customer_contacts").fetchall()
        contacts = {row[0]: dict(zip(columns, row, strict=True)) for row in rows}
        loaded = {f for (f,) in con.execute("SELECT feedback_id FROM raw.feedback").fetchall()}
    journeys = [
        (j["kind"], stable_id(*j["first"]), stable_id(*j["then"]))
        for j in truth["repeat_customers"]["journeys"]
        if "first" in j and stable_id(*j["first"]) in loaded and stable_id(*j["then"]) in loaded
    ]
    assert len(journeys) >= 50, "the generator planted too few repeat customers to judge"
    return links, contacts, journeys


def _same(links, a, b) -> bool:
    return links.get(a) is not None and links.get(a) == links.get(b)


def test_planted_repeat_customers_are_linked_across_channels(linked):
    links, _, journeys = linked
    linkable = [(a, b) for kind, a, b in journeys if kind != "unlinkable"]
    found = sum(_same(links, a, b) for a, b in linkable)
    # Misses are first contacts that gave no identifier at all (a withheld number, no id).
    assert found >= 0.9 * len(linkable), f"{found} of {len(linkable)} planted journeys linked"


def test_a_customer_who_gave_nothing_shared_is_not_linked(linked):
    links, _, journeys = linked
    unlinkable = [(a, b) for kind, a, b in journeys if kind == "unlinkable"]
    assert unlinkable and not any(_same(links, a, b) for a, b in unlinkable)


def test_the_same_issue_again_within_the_window_is_a_repeat_contact(linked):
    links, contacts, journeys = linked
    same_issue = [
        (a, b)
        for kind, a, b in journeys
        if kind == "within"
        and _same(links, a, b)
        and a in contacts
        and b in contacts
        and contacts[b]["about_issue"]
        and contacts[a]["issue_id"] == contacts[b]["issue_id"]
    ]
    within = sum(1 for kind, *_ in journeys if kind == "within")
    # Clustering decides the issue: most planted pairs land in one found issue.
    assert len(same_issue) >= 0.5 * within, (len(same_issue), within)
    assert all(contacts[b]["is_repeat_contact"] for _, b in same_issue)


def test_the_same_customer_after_the_window_or_about_another_issue_is_rarely_a_repeat(linked):
    _, contacts, journeys = linked
    later = [b for kind, _, b in journeys if kind in ("beyond", "other_issue") and b in contacts]
    repeats = sum(contacts[b]["is_repeat_contact"] for b in later)
    # Only another voice of the same customer about that issue within the window makes one.
    assert later and repeats <= 0.2 * len(later), (repeats, len(later))


def test_the_kpi_counts_the_repeat_contacts_of_the_mart(insights_sample):
    warehouse, _ = insights_sample
    with connect(warehouse, read_only=True) as con:
        [(mart_repeats, mart_linked)] = con.execute(
            "SELECT count(*) FILTER (WHERE is_repeat_contact), count(*)"
            " FROM marts.customer_contacts WHERE about_issue"
        ).fetchall()
        [(kpi_repeats, kpi_linked)] = con.execute(
            "SELECT sum(repeat_contacts), sum(issue_contacts_linked) FROM marts.kpi_daily"
        ).fetchall()
    assert mart_repeats > 0 and (kpi_repeats, kpi_linked) == (mart_repeats, mart_linked)


def test_identifiers_are_stored_only_as_keyed_pseudonyms(insights_sample):
    warehouse, _ = insights_sample
    with connect(warehouse, read_only=True) as con:
        keys = con.execute(
            "SELECT DISTINCT unnest(contact_keys) FROM raw.feedback"
            " UNION SELECT customer_id FROM raw.feedback WHERE customer_id IS NOT NULL"
            " UNION SELECT customer_id FROM raw.calls WHERE customer_id IS NOT NULL"
        ).fetchall()
    assert keys and all(re.fullmatch(r"customer-[0-9a-f]{12}", key) for (key,) in keys)
