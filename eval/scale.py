"""Grow an analysed warehouse to many documents by the pipeline's own load path (issue #14).

Embedding a million texts on two cores takes about an hour, so the scale benchmark analyses a
smaller inbox with the real code and builds the large warehouse from its analysed rows. Each copy
of the source

- re-keys every piece of feedback and every call (``<source key>~<copy>``, hence new ids, and
  new customer ids, so customers stay distinct);
- moves it along the calendar by the source's span, copy after copy, wrapping within ``days``
  (a year by default), so the dates run on as a longer history would;
- appends its copy number to each text (``" #3"``): every copy has its own content hash and its
  own embedding row, as distinct voices would;
- is loaded with `warehouse.load.load_sources` (raw tables, one transaction per batch of files)
  and `warehouse.analysis` (analysis rows with the source's analysis version, embeddings, agent
  QA), so the pipeline sees it as analysed and reviewed.

What grows with the documents (raw rows, analysis rows, embeddings, calls and their QA) is then
as large as it would be with that many real voices. Copy 0 is the source itself. The issue
catalogue, marts, insights and reports are left to the pipeline's own steps. Quarantined records
are not copied.
"""

from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ingest.records import (
    Call,
    Feedback,
    HoldSegment,
    ReadResult,
    ThreadLink,
    Turn,
    content_hash,
    stable_id,
)
from warehouse import analysis
from warehouse.arrow import is_missing
from warehouse.db import apply_schema, connect, sql
from warehouse.load import SourceLoad, load_in_batches


@dataclass(frozen=True)
class Grown:
    """What `grow` wrote."""

    feedback: int
    calls: int
    copies: int


@dataclass(frozen=True)
class _Source:
    feedback: pd.DataFrame
    calls: pd.DataFrame
    findings: pd.DataFrame
    # source_file → (channel, version, size_bytes, stat fingerprint)
    files: dict[str, tuple[str, str, int, str | None]]
    links: dict[str, list[ThreadLink]]  # source_file → its mail's thread links
    span_days: int


def grow(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    documents: int,
    model: str,
    days: int = 365,
    inbox: Path | None = None,
) -> Grown:
    """Write about ``documents`` pieces of feedback into the warehouse ``target`` from the analysed
    warehouse ``source`` (embeddings of ``model``), copy by copy; see the module docstring.

    ``inbox``, the inbox ``source`` was loaded from, gets each copied file as a symbolic link to
    its original (``<channel folder>/scale-0003/…``), and the manifest the original's version:
    ingest then finds every copy loaded and unchanged, as it would the files of a long history,
    and loads only what is added to the inbox later (the benchmark's incremental day).
    """
    src = _read(source, model)
    if src.feedback.empty:
        raise ValueError(f"{source}: no analysed and embedded feedback to grow from")
    copies = math.ceil(documents / len(src.feedback))
    written_feedback = written_calls = 0
    with connect(target) as con:
        apply_schema(con)
        for copy in range(copies):
            room = documents - written_feedback
            feedback = src.feedback.iloc[:room] if room < len(src.feedback) else src.feedback
            shift = timedelta(days=(copy * src.span_days) % days)
            loads, analysed, vectors = _copy_feedback(feedback, src, copy, shift)
            calls, qa, findings = _copy_calls(src, set(feedback["source_file"]), copy, shift)
            for load in loads:
                load.result.calls.extend(calls.pop(load.source_file, []))
                if inbox is not None and copy > 0:
                    _link(Path(inbox), load.source_file)
            load_in_batches(con, loads)
            analysis.save_embeddings(con, model, vectors)
            analysis.save_feedback_analysis(con, analysed)
            analysis.save_call_qa_rows(con, qa, findings)
            written_feedback += len(feedback)
            written_calls += len(qa)
    return Grown(written_feedback, written_calls, copies)


def _read(source: str | os.PathLike[str], model: str) -> _Source:
    with connect(source, read_only=True) as con:
        feedback = con.sql(sql("scale/analysed_feedback"), params={"model": model}).df()
        calls = con.sql(sql("scale/reviewed_calls")).df()
        findings = con.sql(sql("scale/call_findings")).df()
        files = {
            name: (channel, version, int(size), stat)
            for name, channel, version, size, stat in con.sql(sql("scale/source_files")).fetchall()
        }
        links: dict[str, list[ThreadLink]] = defaultdict(list)
        for row in con.sql(sql("scale/mail_links")).fetchall():
            links[row[0]].append(ThreadLink(*row))
    dates = pd.concat([feedback["created_at"], calls["started_at"]])
    span = (dates.max().date() - dates.min().date()).days + 1 if len(dates) else 1
    return _Source(feedback, calls, findings, files, links, span)


def _key(key: str, copy: int) -> str:
    return key if copy == 0 else f"{key}~{copy}"


def _text(text: str, copy: int) -> str:
    return text if copy == 0 else f"{text} #{copy}"


def _optional(value):
    return None if is_missing(value) else value


def _shifted(value, shift: timedelta):
    return None if is_missing(value) else value.to_pydatetime() + shift


def _copy_feedback(
    frame: pd.DataFrame, src: _Source, copy: int, shift: timedelta
) -> tuple[list[SourceLoad], pd.DataFrame, dict[str, np.ndarray]]:
    by_file: dict[str, list[Feedback]] = defaultdict(list)
    ids, hashes, vectors = [], [], {}
    for row in frame.itertuples(index=False):
        key = _key(row.source_key, copy)
        text = _text(row.text_masked, copy)
        customer = _optional(row.customer_id)
        item = Feedback(
            feedback_id=stable_id(row.channel, key),
            channel=row.channel,
            source_key=key,
            source_file=_file(row.source_file, copy),
            source_line=None if is_missing(row.source_line) else int(row.source_line),
            created_at=row.created_at.to_pydatetime() + shift,
            text=text,
            product=_optional(row.product),
            customer_id=None if customer is None else _key(customer, copy),
            author=_optional(row.author_masked),
            subject=_optional(row.subject_masked),
            first_response_at=_shifted(row.first_response_at, shift),
            attributes=json.loads(row.attributes) if not is_missing(row.attributes) else {},
            pii_types=tuple(row.pii_types) if not is_missing(row.pii_types) else (),
        )
        by_file[item.source_file].append(item)
        ids.append(item.feedback_id)
        hashes.append(content_hash(text))
        vectors[hashes[-1]] = np.asarray(row.vector, dtype=np.float32)
    analysed = pd.DataFrame(
        {
            "feedback_id": ids,
            "content_hash": hashes,
            "sentiment": frame["sentiment"].to_list(),
            "sentiment_score": frame["sentiment_score"].to_list(),
            "flags": [list(v) for v in frame["flags"]],
            "keywords": [None if is_missing(v) else list(v) for v in frame["keywords"]],
            "is_complaint": frame["is_complaint"].to_list(),
            "analysis_version": frame["analysis_version"].to_list(),
            "terms": [None if is_missing(v) else list(v) for v in frame["terms"]],
            "inquiry": [_optional(v) for v in frame["inquiry"]],
        }
    )
    loads = [_load(name, src, copy, items) for name, items in by_file.items()]
    return loads, analysed, vectors


def _file(source_file: str, copy: int) -> str:
    """calls/2026-08-01.jsonl → calls/scale-0003/2026-08-01.jsonl (still in its channel folder)."""
    if copy == 0:
        return source_file
    folder, rest = source_file.split("/", 1)
    return f"{folder}/scale-{copy:04d}/{rest}"


def _original(copied: str) -> str:
    folder, rest = copied.split("/", 1)
    return f"{folder}/{rest.split('/', 1)[1]}" if rest.startswith("scale-") else copied


def _load(name: str, src: _Source, copy: int, feedback: list[Feedback]) -> SourceLoad:
    """A copied file's load: the original's version and stat fingerprint (a copy is a link to
    it), and for the source itself (copy 0) its mail's thread links. A copy's messages have
    re-keyed ids that no stored link can know, so a copy's threads stay as they were copied."""
    channel, version, size, stat = src.files[_original(name)]
    links = list(src.links.get(name, [])) if copy == 0 else []
    result = ReadResult(feedback=feedback, read=len(feedback), links=links)
    return SourceLoad(name, channel, version, size, result, stat)


def _link(inbox: Path, copied: str) -> None:
    """A relative link from the copy's place to its original, so the inbox may move."""
    link = inbox / copied
    if link.is_symlink():
        return
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(inbox / _original(copied), link.parent))


def _copy_calls(
    src: _Source, files: set[str], copy: int, shift: timedelta
) -> tuple[dict[str, list[Call]], pd.DataFrame, pd.DataFrame]:
    """Calls of the copied files (re-keyed like their customers' words), with their QA rows."""
    frame = src.calls[src.calls["source_file"].isin(files)]
    by_file: dict[str, list[Call]] = defaultdict(list)
    reviewed, counts = [], []
    for row in frame.itertuples(index=False):
        call = Call(
            call_id=_key(row.call_id, copy),
            source_file=_file(row.source_file, copy),
            source_line=None if is_missing(row.source_line) else int(row.source_line),
            started_at=row.started_at.to_pydatetime() + shift,
            product=_optional(row.product),
            answered_after_s=_optional(row.answered_after_s),
            abandoned=bool(row.abandoned),
            resolved_first_contact=_optional(row.resolved_first_contact),
            hold_segments=tuple(HoldSegment(**h) for h in json.loads(row.hold_segments or "[]")),
            turns=tuple(Turn(**t) for t in json.loads(row.turns_masked or "[]")),
            customer_id=None if is_missing(row.customer_id) else _key(row.customer_id, copy),
            agent_id=_optional(row.agent_id),
            team=_optional(row.team),
        )
        by_file[call.source_file].append(call)
        if not is_missing(row.findings):
            reviewed.append(call.call_id)
            counts.append(int(row.findings))
    findings = src.findings[src.findings["call_id"].isin(set(frame["call_id"]))].copy()
    findings["call_id"] = [_key(c, copy) for c in findings["call_id"]]
    qa = pd.DataFrame({"call_id": reviewed, "findings": counts})
    return by_file, qa, findings
