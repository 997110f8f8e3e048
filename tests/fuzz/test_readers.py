"""Hostile input for every channel reader: random bytes, mutated real files, every encoding and
huge fields. Nothing may crash the ingest task, and every record is accounted for.

`make test` runs a fixed number of derandomized examples (the "ci" Hypothesis profile);
`make fuzz` runs many more with fresh randomness ("fuzz" profile, KOE_FUZZ_PROFILE=fuzz).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.inbox import SourceFile, list_sources, read_source
from nlp.masking import mask_read_result
from pipeline.ingest import ingest_channel
from sample import generate
from warehouse.db import connect

settings.register_profile(
    "ci",
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "fuzz",
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("KOE_FUZZ_PROFILE", "ci"))

# channel folder → (channel, the suffixes its reader takes)
FOLDERS = {
    "calls": ("call", (".jsonl",)),
    "email": ("email", (".mbox", ".eml")),
    "forms": ("form", (".csv", ".json")),
    "sns": ("sns", (".jsonl",)),
}
ENCODINGS = ("utf-8", "utf-8-sig", "cp932", "iso2022_jp", "euc_jp", "utf-16", "latin-1", "ascii")
HUGE = 2_000_000  # characters in one field


@pytest.fixture(scope="module")
def real_files(tmp_path_factory) -> dict[str, list[Path]]:
    """A small sample inbox, the "real files" the mutations start from, per channel folder."""
    inbox = tmp_path_factory.mktemp("sample")
    generate(inbox, days=3, per_day=12, seed=3)
    files: dict[str, list[Path]] = {}
    for folder in FOLDERS:
        files[folder] = sorted(p for p in (inbox / folder).rglob("*") if p.is_file())
    assert all(files.values()), "the sample generator writes every channel"
    return files


def _source(inbox: Path, path: Path, channel: str) -> SourceFile:
    [source] = [s for s in list_sources(inbox) if s.path == path and s.channel == channel]
    return source


def _check_read(inbox: Path, path: Path, channel: str) -> None:
    """Reading and masking never raise, every stored string is storable, no record is lost."""
    result = read_source(_source(inbox, path, channel), inbox)
    # The count identity: every record found is loaded, quarantined or merged.
    assert result.balanced, (result.read, result.loaded, len(result.quarantine), result.merged)
    masked = mask_read_result(result)
    assert masked.balanced
    json.dumps(
        [f.text for f in masked.feedback] + [q.excerpt + q.reason for q in masked.quarantine],
        ensure_ascii=False,
    ).encode("utf-8")
    if path.suffix == ".jsonl":
        # One line, one record: loaded or quarantined, unless the whole file was quarantined.
        data = path.read_bytes()
        # Blank as the reader sees it: whitespace after decoding (U+001C counts, as in str.strip).
        lines = {
            n
            for n, line in enumerate(data.split(b"\n"), start=1)
            if line.decode("utf-8", "replace").strip()
        }
        whole_file = any(q.source_line is None for q in result.quarantine)
        accounted = {r.source_line for r in (*result.feedback, *result.calls, *result.quarantine)}
        assert whole_file or accounted == lines


def _check_task(inbox: Path, channel: str, warehouse: Path) -> None:
    """The ingest task never raises, stores exactly what it reports, and its counts close."""
    counts = ingest_channel(channel, inbox, warehouse)
    loaded = counts["calls"] + (counts["feedback"] if channel != "call" else 0)
    assert counts["read"] == loaded + counts["quarantined"] + counts["merged"], counts
    with connect(warehouse, read_only=True) as con:
        stored = {
            table: con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0]
            for table in ("feedback", "calls", "quarantine")
        }
    assert (stored["feedback"], stored["calls"], stored["quarantine"]) == (
        counts["feedback"],
        counts["calls"],
        counts["quarantined"],
    )


def _place(tmp_path: Path, folder: str, name: str, data: bytes) -> Path:
    inbox = tmp_path / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    (inbox / folder).mkdir(parents=True)
    path = inbox / folder / name
    path.write_bytes(data)
    return path


def _mutate(data: bytes, edits: list[tuple[float, int, int]]) -> bytes:
    out = bytearray(data)
    for where, op, value in edits:
        at = int(where * len(out)) if out else 0
        if op == 0 and out:  # flip a byte
            out[min(at, len(out) - 1)] = value
        elif op == 1:  # insert a byte
            out.insert(at, value)
        elif op == 2 and out:  # delete a run
            del out[at : at + value % 64 + 1]
        else:  # truncate
            del out[at:]
    return bytes(out)


folders = st.sampled_from(sorted(FOLDERS))
edits = st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 3), st.integers(0, 255)), min_size=1, max_size=12
)


@given(folder=folders, suffix_index=st.integers(0, 1), data=st.binary(max_size=4096))
def test_random_bytes(tmp_path, folder, suffix_index, data):
    channel, suffixes = FOLDERS[folder]
    path = _place(tmp_path, folder, "x" + suffixes[suffix_index % len(suffixes)], data)
    _check_read(path.parents[1], path, channel)


@given(folder=folders, pick=st.integers(0, 1000), edit_list=edits)
def test_mutated_real_files(tmp_path, real_files, folder, pick, edit_list):
    channel, _ = FOLDERS[folder]
    original = real_files[folder][pick % len(real_files[folder])]
    path = _place(tmp_path, folder, original.name, _mutate(original.read_bytes(), edit_list))
    _check_read(path.parents[1], path, channel)


@given(folder=folders, pick=st.integers(0, 1000), encoding=st.sampled_from(ENCODINGS))
def test_every_encoding(tmp_path, real_files, folder, pick, encoding):
    channel, _ = FOLDERS[folder]
    original = real_files[folder][pick % len(real_files[folder])]
    text = original.read_bytes().decode("utf-8", errors="replace")
    data = text.encode(encoding, errors="replace")
    path = _place(tmp_path, folder, original.name, data)
    _check_read(path.parents[1], path, channel)


@pytest.mark.slow
@given(
    folder=folders,
    pick=st.integers(0, 1000),
    edit_list=edits,
    encoding=st.sampled_from(ENCODINGS),
)
@settings(max_examples=int(os.environ.get("KOE_FUZZ_TASK_EXAMPLES", "8")))
def test_the_ingest_task_survives_and_stores_what_it_reports(
    tmp_path, real_files, folder, pick, edit_list, encoding
):
    channel, _ = FOLDERS[folder]
    original = real_files[folder][pick % len(real_files[folder])]
    data = original.read_bytes().decode("utf-8", errors="replace").encode(encoding, "replace")
    path = _place(tmp_path, folder, original.name, _mutate(data, edit_list))
    warehouse = tmp_path / "koe.duckdb"
    warehouse.unlink(missing_ok=True)
    _check_task(path.parents[1], channel, warehouse)


# Any code point, lone surrogates included: json.dumps writes those as "\ud800" escapes, which
# json.loads accepts.
any_text = st.text(
    st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None), max_size=40
)
dates = st.one_of(
    st.sampled_from(
        [
            "2026-08-03T10:00:00+09:00",
            "2099-01-01T00:00:00+09:00",
            "1970-01-01T00:00:00Z",
            "2026/02/30 10:00",
            "0001-01-01",
            "9999-12-31T23:59:59",
        ]
    ),
    any_text,
)
values = st.one_of(
    any_text, st.none(), st.integers(), st.floats(), st.booleans(), st.lists(any_text, max_size=2)
)
charsets = st.sampled_from(
    ["utf-8", "shift_jis", "iso-2022-jp", "base64", "rot13", "hex", "zlib", "utf-16", "x-bogus", ""]
)


@st.composite
def hostile_records(draw) -> tuple[str, str, bytes]:
    """A file of well-formed syntax whose values are hostile: (folder, file name, bytes)."""
    folder = draw(folders)
    count = draw(st.integers(1, 6))
    if folder == "sns":
        lines = [
            {"post_id": draw(st.one_of(values, st.just("p1"))), "posted_at": draw(dates),
             "author": draw(values), "text": draw(any_text)}
            for _ in range(count)
        ]  # fmt: skip
        return folder, "x.jsonl", "\n".join(json.dumps(r) for r in lines).encode()
    if folder == "calls":
        lines = [
            {"call_id": draw(st.one_of(values, st.just("C-1"))), "started_at": draw(dates),
             "answered_after_s": draw(values), "abandoned": draw(values), "product": draw(values),
             "turns": draw(st.one_of(values, st.lists(st.fixed_dictionaries(
                 {"speaker": st.sampled_from(["agent", "customer", "x"]), "t": values,
                  "text": any_text}), max_size=3)))}
            for _ in range(count)
        ]  # fmt: skip
        return folder, "x.jsonl", "\n".join(json.dumps(r) for r in lines).encode()
    if folder == "forms":
        rows = ["受付ID,受付日時,製品,本文,お名前"]
        for _ in range(count):
            cells = [draw(any_text).replace("\x00", "") for _ in range(5)]
            rows.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
        text = "\n".join(rows)
        encoding = draw(st.sampled_from(["utf-8", "cp932"]))
        return (
            folder,
            "x.csv",
            text.encode(encoding, errors="surrogatepass" if encoding == "utf-8" else "replace"),
        )
    messages = []
    for i in range(count):
        charset = draw(charsets)
        body = draw(
            st.one_of(
                any_text.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=200)
            )
        )
        messages.append(
            f"From a@example.jp Mon Aug  3 10:00:00 2026\nFrom: =?{charset or 'x'}?B?{draw(st.sampled_from(['GyRCOzNFRBsoQg==', '44GC', '!!', '']))}?= <a@example.jp>\n"
            f"Date: {draw(dates)}\nMessage-ID: <m{i}@example.jp>\nIn-Reply-To: <m{draw(st.integers(0, 5))}@example.jp>\n"
            f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: {draw(st.sampled_from(['8bit', 'base64', 'quoted-printable', 'x-bogus']))}\n\n".encode(
                "utf-8", "surrogatepass"
            )
            + body
            + b"\n"
        )
    return folder, "x.mbox", b"\n".join(messages)


@given(hostile_records())
def test_hostile_values_in_well_formed_files(tmp_path, record_file):
    folder, name, data = record_file
    channel, _ = FOLDERS[folder]
    path = _place(tmp_path, folder, name, data)
    _check_read(path.parents[1], path, channel)


@pytest.mark.slow
@given(hostile_records())
@settings(max_examples=int(os.environ.get("KOE_FUZZ_TASK_EXAMPLES", "8")))
def test_the_ingest_task_survives_hostile_values(tmp_path, record_file):
    folder, name, data = record_file
    channel, _ = FOLDERS[folder]
    path = _place(tmp_path, folder, name, data)
    warehouse = tmp_path / "koe.duckdb"
    warehouse.unlink(missing_ok=True)
    _check_task(path.parents[1], channel, warehouse)


def _huge_files() -> list[tuple[str, str, bytes]]:
    body = "電源が入りません。" * (HUGE // 9)
    post = {"post_id": "p1", "posted_at": "2026-08-03T10:00:00+09:00", "text": body}
    call = {
        "call_id": "C-1",
        "started_at": "2026-08-03T10:00:00+09:00",
        "answered_after_s": 5,
        "abandoned": False,
        "turns": [{"speaker": "customer", "t": 0, "text": body}],
    }
    mail = (
        "From: a@example.jp\nTo: support@koe.example.jp\nSubject: " + "件" * 10_000 + "\n"
        "Date: Mon, 03 Aug 2026 10:00:00 +0900\nMessage-ID: <m@example.jp>\n"
        "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n"
    )
    csv = "受付ID,受付日時,本文\nF-1,2026/08/03 10:00," + body + "\n"
    return [
        ("sns", "huge.jsonl", json.dumps(post, ensure_ascii=False).encode()),
        ("calls", "huge.jsonl", json.dumps(call, ensure_ascii=False).encode()),
        ("email", "huge.eml", mail.encode()),
        ("forms", "huge.csv", csv.encode()),
        ("sns", "long-line.jsonl", b'{"post_id": "' + b"9" * HUGE + b'"'),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(("folder", "name", "data"), _huge_files(), ids=lambda v: str(v)[:12])
def test_huge_fields(tmp_path, folder, name, data):
    channel, _ = FOLDERS[folder]
    path = _place(tmp_path, folder, name, data)
    _check_task(path.parents[1], channel, tmp_path / "koe.duckdb")
