"""Authoring kits (eval/kit.py): the catalogue grows once per spec, a kit hides what it must, and
every brief is filled in."""

from __future__ import annotations

import json

import pytest

from eval import kit

SPEC = {
    "kit": "t",
    "note": "widget to gadget: added for a test",
    "products": {
        "widget": {
            "domain": "electronics",
            "name": "テスト ウィジェット W-1",
            "issues": {"zz_break": "壊れる", "zz_noise": "うるさい"},
        }
    },
    "authors": [
        {"id": "b900", "kind": "text", "products": ["widget"], "personas": ["30歳、東京都"]},
        {"id": "bc900", "kind": "call", "products": ["widget"], "agents": "5人", "customers": "客"},
    ],
}


@pytest.fixture
def catalog():
    return json.loads(kit.CATALOG.read_text(encoding="utf-8"))


def test_registering_adds_the_products_once(catalog):
    once = kit.register(SPEC, catalog)
    assert once["products"]["widget"] == "テスト ウィジェット W-1"
    assert "widget" in once["domains"]["electronics"]["products"]
    assert once["issues"]["zz_noise"] == {"product": "widget", "summary": "うるさい"}
    assert once["note"].endswith("; widget to gadget: added for a test).")
    assert kit.register(SPEC, once) == once
    assert "widget" not in catalog["products"]  # the input is left as it was


def test_a_key_that_names_something_else_is_refused(catalog):
    taken = next(iter(catalog["products"]))
    clash = {**SPEC, "products": {taken: SPEC["products"]["widget"]}}
    with pytest.raises(kit.SpecError, match="already"):
        kit.register(clash, catalog)


def test_a_training_kit_leaves_the_sealed_sets_products_out(catalog):
    sealed = kit.excluded_products(["next_blind"], catalog)
    assert sealed  # the sealed set names products
    form = kit.kit_catalog(catalog, sealed)
    listed = {k for d in form["domains"].values() for k in d["products"]}
    assert not listed & sealed
    assert not {i["product"] for i in form["issues"].values()} & sealed
    assert set(kit.kit_catalog(catalog, set())["issues"]) == set(catalog["issues"])


def test_every_placeholder_of_a_brief_is_filled(catalog, tmp_path):
    grown = kit.register(SPEC, catalog)
    for author in SPEC["authors"]:
        text = kit.brief(author, SPEC, grown, tmp_path / "kit")
        assert "{" + "author}" not in text and "{domains}" not in text
        assert f"{tmp_path / 'kit'}/out/{author['id']}.jsonl" in text
        assert "`zz_break`: 壊れる" in text
    text = kit.brief(SPEC["authors"][0], SPEC, grown, tmp_path)
    assert "- 30歳、東京都" in text


def test_an_author_on_a_product_the_spec_does_not_name_is_an_error(tmp_path):
    bad = {**SPEC, "authors": [{**SPEC["authors"][0], "products": ["nothing"]}]}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(kit.SpecError, match="nothing"):
        kit.load_spec(path)
