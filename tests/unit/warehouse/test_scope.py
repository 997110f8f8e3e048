"""A product team's reader sees its own products' rows in every relation, and nothing else."""

from __future__ import annotations

import pytest

from tests.support.warehouse_rows import build_fixture_warehouse
from warehouse import queries
from warehouse.scope import ProductScope


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    return build_fixture_warehouse(tmp_path_factory.mktemp("scope") / "koe.snapshot.duckdb")


def _count(reader, relation: str) -> int:
    cursor = reader.cursor()
    try:
        return cursor.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
    finally:
        cursor.close()


def test_every_relation_is_scoped_to_the_teams_products(snapshot):
    everyone = queries.SnapshotReader(snapshot)
    products = sorted(
        p
        for (p,) in everyone.cursor()
        .execute("SELECT DISTINCT product FROM marts.feedback")
        .fetchall()
        if p
    )
    mine, theirs = products[0], products[1:]
    team = queries.SnapshotReader(snapshot, ProductScope(team=mine, products=(mine,)))

    cursor = team.cursor()
    assert {
        p for (p,) in cursor.execute("SELECT DISTINCT product FROM marts.feedback").fetchall()
    } == {mine}
    assert {
        p for (p,) in cursor.execute("SELECT DISTINCT product FROM insights.alerts").fetchall()
    } <= {mine}
    # Issues are those the team's voices belong to; another product's issue is not there.
    their_issues = {
        i
        for (i,) in everyone.cursor()
        .execute("SELECT DISTINCT issue_id FROM marts.feedback WHERE product <> ?", [mine])
        .fetchall()
    }
    my_issues = {i for (i,) in cursor.execute("SELECT issue_id FROM marts.issues").fetchall()}
    assert my_issues and not (my_issues - {
        i for (i,) in everyone.cursor()
        .execute("SELECT DISTINCT issue_id FROM marts.feedback WHERE product = ?", [mine])
        .fetchall()
    })  # fmt: skip
    assert theirs and their_issues - my_issues
    # Deny by default: KPIs, quarantine and delivery state are not a product team's.
    for relation in ("marts.kpi_daily", "marts.quarantine", "insights.alert_deliveries"):
        assert _count(team, relation) == 0


def test_the_apps_queries_return_only_the_teams_rows(snapshot):
    everyone = queries.SnapshotReader(snapshot)
    cursor = everyone.cursor()
    # The team: the product with an issue of its own and another product's issue to hide.
    mine, their_issue = cursor.execute(
        """
        SELECT f.product, (SELECT min(issue_id) FROM marts.issues AS i WHERE i.issue_id NOT IN
            (SELECT issue_id FROM marts.feedback AS g
             WHERE g.product = f.product AND g.issue_id IS NOT NULL)) AS other_issue
        FROM marts.feedback AS f
        WHERE f.product IS NOT NULL AND f.issue_id IS NOT NULL
        GROUP BY f.product ORDER BY count(*) DESC LIMIT 1
        """
    ).fetchone()
    assert their_issue is not None
    team = queries.SnapshotReader(snapshot, ProductScope(team=mine, products=(mine,)))

    catalogue = queries.issue_catalogue(team.cursor())
    assert not catalogue.empty and their_issue not in set(catalogue["issue_id"])
    assert queries.issue_detail(team.cursor(), their_issue).empty
    assert queries.issue_examples(team.cursor(), their_issue).empty
    assert queries.quarantine(team.cursor()).empty
    assert queries.quarantine(everyone.cursor()).shape[0] > 0
