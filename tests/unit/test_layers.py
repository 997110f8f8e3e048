"""Data flows one way: no module imports from a layer it should not, and no imports go round in a
cycle. Every import counts, those inside functions too.

    dags → pipeline → {ingest, nlp, insights, reports, warehouse};  app → warehouse (queries and
    its own store: alert status, cases, issue decisions);  koe (vocabulary, settings) is shared by all and imports none of them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from tests.support import REPO

PACKAGES = (
    "koe",
    "ingest",
    "nlp",
    "warehouse",
    "insights",
    "reports",
    "pipeline",
    "app",
    "dags",
    "sample",
    "eval",
    "cluster",
)

# Which of koe's packages each package may import (besides itself).
MAY_IMPORT = {
    "koe": set(),
    "ingest": {"koe"},
    "nlp": {"koe", "ingest"},
    "warehouse": {"koe", "ingest", "nlp"},
    "insights": {"koe"},
    "reports": {"koe"},
    "pipeline": {"koe", "ingest", "nlp", "warehouse", "insights", "reports"},
    "app": {
        "koe",
        # A pure statistic over a query's result, run for the period a person picks: the
        # pipeline cannot rank every possible period in advance.
        "insights.impact",
        "warehouse.queries",
        "warehouse.alert_status",
        "warehouse.case_status",
        "warehouse.issue_decisions",
    },
    "dags": {"pipeline"},
    "sample": {"koe", "ingest"},
    "eval": {"koe", "ingest", "nlp", "warehouse", "pipeline", "sample"},
    # The launcher only talks to services and to Airflow's REST API; it shares the pool's name.
    "cluster": {"koe", "pipeline.dag_defaults"},
}
# Third-party packages a layer must not need: the NLP and the readers run without a database,
# a scheduler or a UI; statistics and reports get their data passed in.
# The evaluation-only packages (requirements-eval.txt) are for eval/ alone.
EVAL_ONLY = {"bertopic", "umap", "hdbscan", "pynndescent", "numba"}
MUST_NOT_IMPORT = {
    "koe": {"duckdb", "airflow", "streamlit", *EVAL_ONLY},
    "ingest": {"duckdb", "airflow", "streamlit", *EVAL_ONLY},
    "nlp": {"duckdb", "airflow", "streamlit", *EVAL_ONLY},
    "insights": {"duckdb", "airflow", "streamlit", *EVAL_ONLY},
    "reports": {"duckdb", "airflow", "streamlit", *EVAL_ONLY},
    "warehouse": {"airflow", "streamlit", *EVAL_ONLY},
    "pipeline": {"streamlit", *EVAL_ONLY},
    "app": {"airflow", *EVAL_ONLY},
    "dags": EVAL_ONLY,
    "sample": EVAL_ONLY,
    "cluster": {"duckdb", "streamlit", *EVAL_ONLY},
}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    if parts[0] == "dags":  # Airflow puts the DAG folder itself on the path
        return "dags." + ".".join(parts[1:])
    return ".".join(parts)


def imports_of(path: Path, module: str) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # `from pkg import name`: name may be a module of pkg or a name defined in pkg
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _as_module(target: str, modules: Mapping[str, Path]) -> str:
    """The module an import target names: itself, or the module that defines the name."""
    return target if target in modules or "." not in target else target.rpartition(".")[0]


def project_modules(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            modules[module_name(path, root)] = path
    return modules


def violations(
    root: Path,
    packages: Iterable[str] = PACKAGES,
    may_import: Mapping[str, set[str]] = MAY_IMPORT,
    must_not_import: Mapping[str, set[str]] = MUST_NOT_IMPORT,
) -> list[str]:
    """Every import that crosses a layer the wrong way, as "file:line: what"."""
    packages = tuple(packages)
    modules = project_modules(root, packages)
    problems = []
    for module, path in modules.items():
        layer = module.split(".")[0]
        for target, line in sorted(set(imports_of(path, module)), key=lambda t: t[1]):
            top = target.split(".")[0]
            if top in packages:
                target = _as_module(target, modules)
            where = f"{path.relative_to(root)}:{line}"
            if top in must_not_import.get(layer, ()):
                problems.append(f"{where}: {layer} must not import {top}")
            if top not in packages or top == layer:
                continue
            allowed = may_import[layer]
            if not any(target == a or target.startswith(a + ".") or top == a for a in allowed):
                problems.append(f"{where}: {layer} must not import {target}")
    return sorted(set(problems))


def import_graph(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, set[str]]:
    """Module → the project modules it imports."""
    modules = project_modules(root, packages)
    graph = {}
    for module, path in modules.items():
        targets = {_as_module(t, modules) for t, _ in imports_of(path, module)}
        graph[module] = {t for t in targets if t in modules and t != module}
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def package_graph(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        top = module.split(".")[0]
        packages.setdefault(top, set()).update(
            t.split(".")[0] for t in targets if t.split(".")[0] != top
        )
    return packages


# --- the project -------------------------------------------------------------------------------


def test_no_module_imports_from_a_layer_it_should_not():
    assert violations(REPO) == []


def test_no_modules_import_each_other_in_a_cycle():
    assert cycles(import_graph(REPO)) == []


def test_no_packages_import_each_other_in_a_cycle():
    assert cycles(package_graph(import_graph(REPO))) == []


def test_dag_files_import_only_the_pipeline():
    for path in sorted((REPO / "dags").glob("*.py")):
        for target, line in imports_of(path, module_name(path, REPO)):
            top = target.split(".")[0]
            assert top in {"airflow", "pipeline", "__future__"}, f"{path.name}:{line}: {target}"


# --- the checks themselves, on a made-up tree ----------------------------------------------------


@pytest.fixture
def tree(tmp_path):
    def write(relative: str, text: str = "") -> None:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    for package in ("ingest", "nlp", "warehouse"):
        write(f"{package}/__init__.py")
    return tmp_path, write


LAYERS = {"ingest": set(), "nlp": {"ingest"}, "warehouse": {"ingest", "nlp"}}


def test_a_backward_import_inside_a_function_is_reported_with_its_line(tree):
    root, write = tree
    write("nlp/flags.py", "import re\n\n\ndef f():\n    from warehouse.db import connect\n")
    found = violations(root, LAYERS, LAYERS, {"nlp": {"duckdb"}})
    assert found == [f"{Path('nlp/flags.py')}:5: nlp must not import warehouse.db"]


def test_a_forbidden_third_party_import_is_reported(tree):
    root, write = tree
    write("ingest/readers.py", "import duckdb\n")
    assert violations(root, LAYERS, LAYERS, {"ingest": {"duckdb"}}) == [
        f"{Path('ingest/readers.py')}:1: ingest must not import duckdb"
    ]


def test_forward_and_relative_imports_pass(tree):
    root, write = tree
    write("nlp/a.py", "from ingest import records\nfrom . import b\n")
    write("nlp/b.py", "x = 1\n")
    assert violations(root, LAYERS, LAYERS, {}) == []


def test_a_cycle_between_two_modules_is_found(tree):
    root, write = tree
    write("nlp/a.py", "from nlp.b import x\n")
    write("nlp/b.py", "def f():\n    from nlp.a import y\n")
    assert cycles(import_graph(root, LAYERS)) == [["nlp.a", "nlp.b"]]
