"""koe_ingest's staging files: partitions of inbox files to read, and their masked records.

The planner writes each partition as the list of its files (`sources_table`) and, for mail, the
thread links to read it with (`links_table`). A mapped task reads and masks the files and writes
what they hold (`write_results`): masked text only, like the warehouse, so raw text never reaches
a staging file. The loader reads that back file by file (`read_results`) into `ingest.records`
shapes. A results file has one row per inbox file (its manifest entry and counts) or per record
of it; the one non-null struct column says which.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.inbox import SourceFile
from ingest.records import Call, Feedback, HoldSegment, Quarantined, ReadResult, ThreadLink, Turn
from pipeline.partitions import write_table
from warehouse.arrow import TIMESTAMP
from warehouse.load import LINKS_BATCH

FILE = pa.struct(
    [
        ("source_file", pa.string()),
        ("channel", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("stat", pa.string()),
        ("read", pa.int64()),
        ("merged", pa.int64()),
    ]
)
FEEDBACK = pa.struct(
    [
        ("feedback_id", pa.string()),
        ("channel", pa.string()),
        ("source_key", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        ("created_at", TIMESTAMP),
        ("text", pa.string()),
        ("product", pa.string()),
        ("customer_id", pa.string()),
        ("author", pa.string()),
        ("subject", pa.string()),
        ("first_response_at", TIMESTAMP),
        ("attributes", pa.map_(pa.string(), pa.string())),
        ("pii_types", pa.list_(pa.string())),
        ("contacts", pa.list_(pa.string())),
    ]
)
CALL = pa.struct(
    [
        ("call_id", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        ("started_at", TIMESTAMP),
        ("product", pa.string()),
        ("answered_after_s", pa.float64()),
        ("abandoned", pa.bool_()),
        ("resolved_first_contact", pa.bool_()),
        (
            "hold_segments",
            pa.list_(
                pa.struct(
                    [
                        ("start_s", pa.float64()),
                        ("duration_s", pa.float64()),
                        ("intermediate_report", pa.bool_()),
                    ]
                )
            ),
        ),
        (
            "turns",
            pa.list_(
                pa.struct([("speaker", pa.string()), ("t", pa.float64()), ("text", pa.string())])
            ),
        ),
        ("customer_id", pa.string()),
        ("agent_id", pa.string()),
        ("team", pa.string()),
        ("phone", pa.string()),
    ]
)
QUARANTINED = pa.struct(
    [
        ("channel", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        ("reason", pa.string()),
        ("excerpt", pa.string()),
    ]
)
# A link's fields are its stored columns (raw.mail_links).
LINK = pa.struct(list(LINKS_BATCH))
SOURCES = pa.schema(
    [
        ("inbox", pa.string()),
        ("channel", pa.string()),
        ("rel", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("stat", pa.string()),
        ("threads", pa.string()),  # the mail thread links to read it with (mail only)
    ]
)
SCHEMA = pa.schema(
    [
        ("file", FILE),
        ("feedback", FEEDBACK),
        ("call", CALL),
        ("quarantined", QUARANTINED),
        ("link", LINK),
    ]
)


@dataclass(frozen=True)
class StagedFile:
    """One inbox file as a mapped task read it: its manifest entry and what it held, masked."""

    source_file: str
    channel: str
    sha256: str
    size_bytes: int
    stat: str | None
    result: ReadResult


def sources_table(inbox: Path, part: Iterable[tuple[SourceFile, Path | None]]) -> pa.Table:
    """A partition: its files (as listed and hashed by the planner), each with its threads."""
    rows = [
        {
            "inbox": str(inbox),
            "channel": source.channel,
            "rel": source.rel,
            "sha256": source.sha256,
            "size_bytes": source.size_bytes,
            "stat": source.stat,
            "threads": None if threads is None else str(threads),
        }
        for source, threads in part
    ]
    return pa.Table.from_pylist(rows, schema=SOURCES)


def read_sources(partition: str | Path) -> Iterator[tuple[Path, SourceFile, str | None]]:
    """(inbox, file, threads path or None) for each file of a partition, in order."""
    for row in pq.read_table(partition).to_pylist():
        inbox = Path(row["inbox"])
        source = SourceFile(
            channel=row["channel"],
            path=inbox / row["rel"],
            rel=row["rel"],
            sha256=row["sha256"],
            size_bytes=row["size_bytes"],
            stat=row["stat"],
        )
        yield inbox, source, row["threads"]


def links_table(links: Iterable[ThreadLink]) -> pa.Table:
    """Thread links as a table, in their order (the first of a message's copies wins)."""
    return pa.Table.from_pylist([vars(link) for link in links], schema=pa.schema(LINK))


def read_links(path: str | Path) -> list[ThreadLink]:
    """The links `links_table` wrote, in order."""
    return [ThreadLink(**row) for row in pq.read_table(path).to_pylist()]


def write_results(files: Iterable[StagedFile], path: Path) -> None:
    """Write the files' results to ``path`` (Parquet, in the given file order)."""
    rows: list[dict] = []
    for staged in files:
        result = staged.result
        head = {k: v for k, v in vars(staged).items() if k != "result"}
        rows.append({"file": {**head, "read": result.read, "merged": result.merged}})
        # vars(), not dataclasses.asdict: asdict deep-copies every value, 90 % of the cost here.
        rows += [{"feedback": vars(f)} for f in result.feedback]
        rows += [{"call": _call_row(c)} for c in result.calls]
        rows += [{"quarantined": vars(q)} for q in result.quarantine]
        rows += [{"link": vars(link)} for link in result.links]
    write_table(pa.Table.from_pylist(rows, schema=SCHEMA), Path(path))


def read_results(path: str | Path) -> Iterator[StagedFile]:
    """The files written by `write_results`, in their order, with their records."""
    staged: dict | None = None
    result = ReadResult()
    for row in pq.read_table(path).to_pylist():
        if row["file"] is not None:
            if staged is not None:
                yield _staged(staged, result)
            staged, result = row["file"], ReadResult()
        elif row["feedback"] is not None:
            result.feedback.append(_feedback(row["feedback"]))
        elif row["call"] is not None:
            result.calls.append(_call(row["call"]))
        elif row["quarantined"] is not None:
            result.quarantine.append(Quarantined(**row["quarantined"]))
        elif row["link"] is not None:
            result.links.append(ThreadLink(**row["link"]))
    if staged is not None:
        yield _staged(staged, result)


def _call_row(call: Call) -> dict:
    return {
        **vars(call),
        "hold_segments": [vars(h) for h in call.hold_segments],
        "turns": [vars(t) for t in call.turns],
    }


def _staged(head: dict, result: ReadResult) -> StagedFile:
    result.read, result.merged = head.pop("read"), head.pop("merged")
    return StagedFile(**head, result=result)


def _feedback(values: dict) -> Feedback:
    return Feedback(
        **{
            **values,
            "attributes": dict(values["attributes"] or ()),
            "pii_types": tuple(values["pii_types"] or ()),
            "contacts": tuple(values["contacts"] or ()),
        }
    )


def _call(values: dict) -> Call:
    return Call(
        **{
            **values,
            "hold_segments": tuple(HoldSegment(**h) for h in values["hold_segments"] or ()),
            "turns": tuple(Turn(**t) for t in values["turns"] or ()),
        }
    )
