"""A second look at the training labels the held-out model most disagrees with (confident learning).

`python -m eval tune --folds 5 --record FILE` scores every flag-labelled training text with a
classifier fit without its author. Where that score and the author's label disagree most, either
the model is wrong or the label is; two independent annotators, who see only the guidelines' flag
section and the texts, decide, and the majority of author and annotators stands.

    python -m eval.relabel select RECORD --out DIR      # the texts, the annotators' kit and briefs
    python -m eval.relabel collect DIR --votes FILE     # author + annotators, per selected text
    python -m eval.relabel apply FILE                   # the majority into the training files

The votes file (`eval/agreement/rNN_out_of_author.jsonl`) keeps, per text, why it was chosen
(``selected_for``: ``flag:fn``, the model said yes and the author no, or ``flag:fp``) and each
flag's three votes, [author, annotator 1, annotator 2]. A text any earlier votes file holds is not
chosen again. Only training files change: no dev or blind label is touched.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from eval.dataset import EVAL_DIR

AGREEMENT_DIR = EVAL_DIR / "agreement"
TEMPLATE = EVAL_DIR / "kits" / "relabel_brief.md"
GUIDELINES = EVAL_DIR / "GUIDELINES.md"
ANNOTATORS = 2
# Per flag and direction, at most this many texts: the most confident disagreements.
PER_FLAG = 40


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _flags() -> tuple[str, ...]:
    from koe.vocabulary import FLAGS

    return tuple(FLAGS)


def already_relabelled(root: Path = AGREEMENT_DIR) -> set[str]:
    """Ids of texts an earlier relabelling pass (any votes file) holds."""
    return {row["id"] for path in sorted(root.glob("r*.jsonl")) for row in _jsonl(path)}


def training_rows() -> dict[str, Path]:
    """Where each training file is: its name → path (the record names files, not paths)."""
    from nlp.training import training_files

    return {p.name: p for p in training_files()}


@functools.cache
def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _line(path: Path, number: int) -> dict:
    return json.loads(_lines(path)[number - 1])


def select(
    record: Iterable[dict],
    thresholds: dict[str, float],
    skip: set[str],
    text_of,
    per_flag: int = PER_FLAG,
) -> dict[str, list[str]]:
    """Texts to relabel: id → why (``flag:fn`` / ``flag:fp``), at most ``per_flag`` per flag and
    direction, the most confident disagreements with the author first.

    ``text_of(row)`` reads a record row's training line (its ``id`` and labels).
    """
    rows = [(row, text_of(row)) for row in record]
    chosen: dict[str, list[str]] = {}
    for flag in _flags():
        cut = thresholds.get(flag, 0.5)
        fn, fp = [], []
        for row, line in rows:
            if line.get("id") is None or line["id"] in skip or flag not in row["p"]:
                continue
            p, labelled = row["p"][flag], flag in line["flags"]
            if p >= cut and not labelled:
                fn.append((-p, line["id"]))
            elif p < cut and labelled:
                fp.append((p, line["id"]))
        for direction, ranked in (("fn", fn), ("fp", fp)):
            for _, doc in sorted(ranked)[:per_flag]:
                chosen.setdefault(doc, []).append(f"{flag}:{direction}")
    return chosen


def write_kit(chosen: dict[str, list[str]], texts: dict[str, str], out: Path) -> list[Path]:
    """The annotators' kit in ``out``: the guidelines, each annotator's input (the same texts,
    in an order of their own, so that neither can follow the other's) and brief."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "GUIDELINES.md").write_text(GUIDELINES.read_text(encoding="utf-8"), encoding="utf-8")
    (out / "selected.json").write_text(json.dumps(chosen, ensure_ascii=False, indent=1), "utf-8")
    briefs = []
    for annotator in range(1, ANNOTATORS + 1):
        ids = sorted(chosen)
        random.Random(annotator).shuffle(ids)
        lines = [json.dumps({"id": i, "text": texts[i]}, ensure_ascii=False) for i in ids]
        (out / f"in_{annotator}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        brief = TEMPLATE.read_text(encoding="utf-8")
        for placeholder, value in (
            ("{kit_dir}", str(out)),
            ("{annotator}", str(annotator)),
            ("{n}", str(len(ids))),
        ):
            brief = brief.replace(placeholder, value)
        path = out / f"brief_{annotator}.md"
        path.write_text(brief, encoding="utf-8")
        briefs.append(path)
    return briefs


def collect(
    chosen: dict[str, list[str]], authors: dict[str, set[str]], answers: Sequence[list[dict]]
) -> list[dict]:
    """One votes row per chosen text: why it was chosen and, per flag, [author, annotators…].

    ``authors`` holds each text's flags as its author labelled them; ``answers`` each
    annotator's rows. A text an annotator left out, or answered twice, is an error.
    """
    flags = _flags()
    by_annotator = []
    for n, rows in enumerate(answers, start=1):
        seen: dict[str, dict] = {}
        for row in rows:
            if row["id"] in seen:
                raise ValueError(f"annotator {n} answered {row['id']} twice")
            seen[row["id"]] = row
        missing = set(chosen) - set(seen)
        if missing:
            raise ValueError(f"annotator {n} left out {len(missing)} texts, e.g. {min(missing)}")
        by_annotator.append(seen)
    return [
        {
            "id": doc,
            "selected_for": chosen[doc],
            **{f: [f in authors[doc], *(bool(a[doc][f]) for a in by_annotator)] for f in flags},
        }
        for doc in sorted(chosen)
    ]


def majority(votes: dict) -> set[str]:
    """The flags most of author and annotators gave the text."""
    return {f for f in _flags() if sum(votes[f]) * 2 > len(votes[f])}


def apply_votes(votes: Sequence[dict], files: Sequence[Path]) -> dict[str, int]:
    """Rewrite the training lines the votes name with the majority's flags (a flag added leaves
    the text's decoys); every other field and line stays byte for byte. Returns the changes, e.g.
    ``{"churn +": 16, "refund_request -": 1}``."""
    wanted = {v["id"]: majority(v) for v in votes}
    changes: dict[str, int] = {}
    found = set()
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        touched = False
        for k, line in enumerate(lines):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("id") not in wanted:
                continue
            found.add(row["id"])
            new = wanted[row["id"]]
            old = set(row["flags"])
            if new == old:
                continue
            for f in sorted(new - old):
                changes[f"{f} +"] = changes.get(f"{f} +", 0) + 1
            for f in sorted(old - new):
                changes[f"{f} -"] = changes.get(f"{f} -", 0) + 1
            order = _flags()
            row["flags"] = [f for f in order if f in new]
            row["decoy_flags"] = [f for f in row["decoy_flags"] if f not in new]
            lines[k] = json.dumps(row, ensure_ascii=False)
            touched = True
        if touched:
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    missing = set(wanted) - found
    if missing:
        raise ValueError(f"{len(missing)} voted texts are in no training file, e.g. {min(missing)}")
    return changes


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.relabel", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    pick = sub.add_parser("select", help="choose the texts and write the annotators' kit")
    pick.add_argument("record", type=Path)
    pick.add_argument("--out", type=Path, required=True)
    pick.add_argument("--per-flag", type=int, default=PER_FLAG)
    gather = sub.add_parser("collect", help="the votes of author and annotators")
    gather.add_argument("kit", type=Path)
    gather.add_argument("--votes", type=Path, required=True)
    use = sub.add_parser("apply", help="the majority into the training files")
    use.add_argument("votes", type=Path)
    args = parser.parse_args(argv)

    from nlp.models import thresholds
    from nlp.training import training_files

    paths = training_rows()
    if args.command == "select":
        record = _jsonl(args.record)
        chosen = select(
            record,
            thresholds(),
            already_relabelled(),
            lambda row: _line(paths[row["file"]], row["line"]),
            args.per_flag,
        )
        texts = {}
        for row in record:
            line = _line(paths[row["file"]], row["line"])
            if line.get("id") in chosen:
                texts[line["id"]] = line["text"]
        for brief in write_kit(chosen, texts, args.out):
            print(brief)
        print(f"{len(chosen)} texts chosen")
    elif args.command == "collect":
        chosen = json.loads((args.kit / "selected.json").read_text(encoding="utf-8"))
        authors = {
            row["id"]: set(row.get("flags", ()))
            for path in training_files()
            for row in _jsonl(path)
            if row.get("id") in chosen
        }
        answers = [_jsonl(args.kit / f"out_{n}.jsonl") for n in range(1, ANNOTATORS + 1)]
        votes = collect(chosen, authors, answers)
        args.votes.write_text(
            "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in votes), encoding="utf-8"
        )
        print(f"{len(votes)} texts voted on → {args.votes}")
    else:
        print(apply_votes(_jsonl(args.votes), training_files()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
