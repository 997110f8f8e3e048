"""Authoring kits: what an independent author of evaluation data is given, and nothing more.

A kit is a directory an author's session may read: the label guidelines, a catalogue of products
and issue types, the checker (`eval/briefs/check.py`) and one brief per author. A spec in
`eval/kits/<kit>.json` names the kit's new products with their issue types and its authors with
their products, personas (text authors) or agents and customers (call authors); the briefs are
the templates in `eval/kits/` (`TEMPLATES`) filled in.

    python -m eval.kit eval/kits/blind27.json --register   # the new products into catalog.json
    python -m eval.kit eval/kits/blind27.json --out /work/authoring/blind27

``--register`` adds the spec's products and issues to `eval/catalog.json` (koe's loader validates
the authors' files against it) and the spec's note to the catalogue's note; running it again
changes nothing. Building writes the kit and copies each brief to `eval/briefs/<author>.md`, the
record of what each author was asked. A training kit (``exclude_splits``: ["blind",
"next_blind"]) leaves out of its catalogue every product the blind and sealed sets name, so no
training author writes about them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from eval.dataset import EVAL_DIR

KITS = EVAL_DIR / "kits"
BRIEFS = EVAL_DIR / "briefs"
CATALOG = EVAL_DIR / "catalog.json"
CHECKER = BRIEFS / "check.py"
GUIDELINES = EVAL_DIR / "GUIDELINES.md"
# text: a blind or dev author's texts; call: calls with QA labels; edge: training texts set
# where the flags' edges are hardest to tell, with decoys of every flag.
TEMPLATES = {
    "text": KITS / "text_brief.md",
    "call": KITS / "call_brief.md",
    "edge": KITS / "edge_brief.md",
}
# Catalogue entries every kit carries as they are.
SHARED = ("kinds", "sentiments", "flags", "pii_types", "qa_checks")


class SpecError(ValueError):
    """The spec contradicts itself or the catalogue."""


def load_spec(path: Path) -> dict:
    spec = json.loads(path.read_text(encoding="utf-8"))
    products = spec["products"]
    for author in spec["authors"]:
        unknown = set(author["products"]) - set(products)
        if unknown:
            raise SpecError(f"{author['id']}: products not in the spec: {sorted(unknown)}")
        if author["kind"] not in TEMPLATES:
            raise SpecError(f"{author['id']}: kind must be one of {sorted(TEMPLATES)}")
    return spec


def register(spec: dict, catalog: dict) -> dict:
    """``catalog`` (repository form) with the spec's products and issues; an existing key must
    say the same thing, so registering twice is harmless and a clash is an error."""
    out = json.loads(json.dumps(catalog))
    domains = out["domains"]
    for key, product in spec["products"].items():
        if product["domain"] not in domains:
            raise SpecError(f"{key}: unknown domain {product['domain']!r}")
        known = out["products"].get(key)
        if known is not None and known != product["name"]:
            raise SpecError(f"product key {key!r} is already {known!r}")
        if known is None and product["name"] in out["products"].values():
            raise SpecError(f"product name {product['name']!r} is already catalogued")
        out["products"][key] = product["name"]
        if key not in domains[product["domain"]]["products"]:
            domains[product["domain"]]["products"].append(key)
        for issue, summary in product["issues"].items():
            entry = {"product": key, "summary": summary}
            if out["issues"].get(issue, entry) != entry:
                raise SpecError(f"issue key {issue!r} is already another issue")
            out["issues"][issue] = entry
    note = spec.get("note")
    if note and note not in out["note"]:
        out["note"] = out["note"].removesuffix(").") + f"); {note})."
    return out


def excluded_products(splits: list[str], catalog: dict, root: Path = EVAL_DIR) -> set[str]:
    """Product keys named by any file of ``splits`` (feedback or calls)."""
    key_of = {name: key for key, name in catalog["products"].items()}
    names: set[str] = set()
    for split in splits:
        for path in sorted((root / split).rglob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    names.add((record.get("call") or record).get("product"))
    return {key_of[n] for n in names if n in key_of}


def kit_catalog(catalog: dict, leave_out: set[str]) -> dict:
    """The catalogue in the form `check.py` reads (each domain's products by key), without the
    products in ``leave_out`` and their issues."""
    return {
        "domains": {
            d: {
                "name": entry["name"],
                "products": {
                    k: catalog["products"][k] for k in entry["products"] if k not in leave_out
                },
            }
            for d, entry in catalog["domains"].items()
        },
        "issues": {k: v for k, v in catalog["issues"].items() if v["product"] not in leave_out},
        **{k: catalog[k] for k in SHARED},
    }


def _domains(author: dict, spec: dict, catalog: dict) -> str:
    lines = []
    for key in author["products"]:
        product = spec["products"][key]
        domain = product["domain"]
        lines.append(f"- `{domain}` ({catalog['domains'][domain]['name']}): {product['name']}")
        lines += [f"  - `{issue}`: {summary}" for issue, summary in product["issues"].items()]
    return "\n".join(lines)


def brief(author: dict, spec: dict, catalog: dict, kit_dir: Path) -> str:
    """The author's brief: the template of their kind with their products and people."""
    fills = {
        "{author}": author["id"],
        "{kit_dir}": str(kit_dir),
        "{domains}": _domains(author, spec, catalog),
        "{personas}": "\n".join(f"- {p}" for p in author.get("personas", ())),
        "{agents}": author.get("agents", ""),
        "{customers}": author.get("customers", ""),
    }
    text = TEMPLATES[author["kind"]].read_text(encoding="utf-8")
    # Plain replacement: the templates hold JSON examples whose braces str.format would read.
    for placeholder, value in fills.items():
        text = text.replace(placeholder, value)
    return text


def build(spec: dict, catalog: dict, out: Path) -> list[Path]:
    """Write the kit to ``out``; returns the briefs written (also copied to `eval/briefs`)."""
    missing = set(spec["products"]) - set(catalog["products"])
    if missing:
        raise SpecError(f"register the spec first: {sorted(missing)} are not catalogued")
    (out / "out").mkdir(parents=True, exist_ok=True)
    shutil.copy(GUIDELINES, out / "GUIDELINES.md")
    shutil.copy(CHECKER, out / "check.py")
    leave_out = excluded_products(spec.get("exclude_splits", []), catalog) - set(spec["products"])
    (out / "catalog.json").write_text(
        json.dumps(kit_catalog(catalog, leave_out), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    written = []
    for author in spec["authors"]:
        text = brief(author, spec, catalog, out)
        path = out / f"brief_{author['id']}.md"
        path.write_text(text, encoding="utf-8")
        (BRIEFS / f"{author['id']}.md").write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.kit", description=__doc__.split("\n")[0])
    parser.add_argument("spec", type=Path)
    parser.add_argument("--register", action="store_true", help="add the products to catalog.json")
    parser.add_argument("--out", type=Path, help="write the kit to this directory")
    args = parser.parse_args(argv)
    spec = load_spec(args.spec)
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    if args.register:
        catalog = register(spec, catalog)
        CATALOG.write_text(json.dumps(catalog, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"catalog.json: {len(catalog['products'])} products, {len(catalog['issues'])} issues")
    if args.out:
        for path in build(spec, catalog, args.out):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
