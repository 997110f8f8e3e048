"""Product teams: which products each team owns (``$KOE_PRODUCT_TEAMS``, a CSV of
``product,team``). The weekly reports are written per team, and a 製品チーム user of the app
sees its team's products only. A product the mapping does not name is its own team.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProductTeam:
    name: str
    products: tuple[str, ...]


def product_teams(products: Sequence[str], mapping: Path | None = None) -> list[ProductTeam]:
    """The product teams and their products, from the CSV file `mapping` (`$KOE_PRODUCT_TEAMS`);
    a product it does not name, or every product without one, is its own team."""
    owner = _read_mapping(mapping) if mapping else {}
    teams: dict[str, list[str]] = {}
    for product in products:
        teams.setdefault(owner.get(product, product), []).append(product)
    return [ProductTeam(name, tuple(owned)) for name, owned in sorted(teams.items())]


def _read_mapping(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise FileNotFoundError(f"product-team mapping {path} does not exist (KOE_PRODUCT_TEAMS)")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"product", "team"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: needs the columns product,team; has {reader.fieldnames}")
        owner: dict[str, str] = {}
        for line, row in enumerate(reader, start=2):
            product, team = (row["product"] or "").strip(), (row["team"] or "").strip()
            if not product or not team:
                raise ValueError(f"{path}:{line}: empty product or team")
            if owner.get(product, team) != team:
                raise ValueError(f"{path}:{line}: {product} is given to two teams")
            owner[product] = team
    return owner
