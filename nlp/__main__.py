"""Batch commands for analysts, on the same code path as the Airflow DAGs.

    python -m nlp analyze --input IN.jsonl --output OUT.jsonl
    python -m nlp qa --input CALLS.jsonl --output OUT.jsonl

`analyze` reads lines `{id, text, channel?, product?, created_at?}`, masks PII, judges sentiment,
problem reports and risk flags, embeds and clusters the problem reports into issues, and writes
each input line back with `issue_id, issue_label, sentiment, sentiment_score, complaint, flags,
masked_text, pii` added (`complaint`: the text reports a problem, whatever its tone; only problem
reports have an issue, and one without is labelled 未分類).

`qa` reads calls in the inbox format (see ingest/calls.py), masks them, and writes one review
per call. Bad input stops either command before anything is written, with one message per bad
line naming the file and line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from ingest.records import content_hash


class InputError(Exception):
    """Input that cannot be analysed; the message names the file and line."""


def read_feedback_lines(path: Path) -> list[dict]:
    """Parse and validate an `analyze` input file; every problem is reported at once."""
    records, problems = [], []
    seen: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read: {error}") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{where}: not valid JSON ({error.msg})")
            continue
        if not isinstance(record, dict):
            problems.append(f"{where}: expected a JSON object, got {type(record).__name__}")
            continue
        record_id = record.get("id")
        if isinstance(record_id, int) and not isinstance(record_id, bool):
            record_id = str(record_id)
        if not isinstance(record_id, str) or not record_id.strip():
            problems.append(f"{where}: missing 'id' (a non-empty string)")
            continue
        if not isinstance(record.get("text"), str) or not record["text"].strip():
            problems.append(f"{where}: missing 'text' (a non-empty string)")
            continue
        for optional in ("channel", "product", "created_at"):
            if record.get(optional) is not None and not isinstance(record[optional], str):
                problems.append(f"{where}: '{optional}' must be a string when given")
        if record_id in seen:
            problems.append(f"{where}: id {record_id!r} already used on line {seen[record_id]}")
        seen[record_id] = number
        records.append({**record, "id": record_id})
    if problems:
        raise InputError("\n".join(problems))
    if not records:
        raise InputError(f"{path}: no records")
    return records


def run_analyze(input_path: Path, output_path: Path) -> str:
    from nlp.analysis import analyze
    from nlp.embed import load_embedder
    from nlp.feedback import FeedbackText
    from nlp.pii import mask

    records = read_feedback_lines(input_path)
    masked = [mask(r["text"]) for r in records]
    items = [
        FeedbackText(
            feedback_id=r["id"],
            text=m.text,
            content_hash=content_hash(m.text),
            product=r.get("product"),
            channel=r.get("channel"),
        )
        for r, m in zip(records, masked, strict=True)
    ]
    result = analyze(items, load_embedder())
    by_id = {t.feedback_id: t for t in result.texts}
    lines = []
    for record, masking in zip(records, masked, strict=True):
        text = by_id[record["id"]]
        issue = result.issue_of(record["id"])
        lines.append(
            {
                **record,
                "issue_id": issue.issue_id if issue else None,
                "issue_label": issue.label if issue else ("未分類" if text.complaint else None),
                "sentiment": text.sentiment,
                "sentiment_score": round(text.sentiment_score, 4),
                "complaint": text.complaint,
                "flags": list(text.flags),
                "masked_text": masking.text,
                "pii": [{"type": s.type, "start": s.start, "end": s.end} for s in masking.spans],
            }
        )
    _write_jsonl(output_path, lines)

    sentiments = Counter(line["sentiment"] for line in lines)
    flags = Counter(flag for line in lines for flag in line["flags"])
    complaints = sum(1 for line in lines if line["complaint"])
    unclassified = sum(1 for line in lines if line["complaint"] and line["issue_id"] is None)
    summary = [
        f"{len(lines)} texts → {output_path}",
        f"problem reports: {complaints}; issues: {len(result.clustering.issues)} "
        f"(problem reports in none: {unclassified})",
    ]
    for issue in sorted(result.clustering.issues, key=lambda i: -i.size)[:10]:
        summary.append(f"  {issue.size:>5}  {issue.label}")
    summary.append("sentiment: " + ", ".join(f"{k} {v}" for k, v in sorted(sentiments.items())))
    summary.append("flags: " + (", ".join(f"{k} {v}" for k, v in sorted(flags.items())) or "none"))
    summary.append(f"texts with PII masked: {sum(1 for m in masked if m.spans)}")
    return "\n".join(summary)


def run_qa(input_path: Path, output_path: Path) -> str:
    from ingest.calls import read_calls
    from nlp.call_review import review_calls_with_models
    from nlp.masking import mask_read_result

    if not input_path.is_file():
        raise InputError(f"{input_path}: no such file")
    result = read_calls(input_path, str(input_path))
    if result.quarantine:
        raise InputError(
            "\n".join(f"{input_path}:{q.source_line or '?'}: {q.reason}" for q in result.quarantine)
        )
    if not result.calls:
        raise InputError(f"{input_path}: no calls")
    calls = mask_read_result(result).calls
    reviews = review_calls_with_models(calls)
    _write_jsonl(output_path, [review.to_dict() for review in reviews])

    checks = Counter(f.check_name for r in reviews for f in r.findings)
    flagged = sum(1 for r in reviews if r.findings)
    summary = [f"{len(reviews)} calls → {output_path}", f"calls with findings: {flagged}"]
    summary += [f"  {name}: {count}" for name, count in sorted(checks.items())]
    return "\n".join(summary)


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    # Write beside the target and rename, so a failure never leaves half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    with temp.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    temp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("analyze", "issues, sentiment, flags and PII masking for feedback texts"),
        ("qa", "agent QA review of call transcripts"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--input", required=True, type=Path)
        command.add_argument("--output", required=True, type=Path)
    args = parser.parse_args(argv)
    run = run_analyze if args.command == "analyze" else run_qa
    try:
        print(run(args.input, args.output))
    except InputError as error:
        print(f"error: bad input, nothing written\n{error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
