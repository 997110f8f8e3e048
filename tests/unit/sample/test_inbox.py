"""The sample inbox generator: what it plants is exactly what the real readers read back."""

from __future__ import annotations

import email
import json
import mailbox
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from email import policy
from pathlib import Path

import pytest

from ingest.charsets import decode_export
from ingest.inbox import list_sources, read_source
from ingest.records import ReadResult
from koe.vocabulary import FLAGS
from sample import generate
from sample.calls import FORBIDDEN
from sample.catalog import SAFETY_ISSUES
from sample.inbox import write_inbox
from sample.text import DECOY_PHRASES, FLAG_PHRASES, SAFETY_WORDS
from tests.support import REPO

DAYS, PER_DAY, SEED = 14, 30, 5

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample-inbox")
    generate(out, DAYS, PER_DAY, SEED)
    return out


@pytest.fixture(scope="module")
def truth(inbox) -> dict:
    return json.loads((inbox / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def read(inbox, truth) -> ReadResult:
    total = ReadResult()
    support = tuple(truth["maker"]["support_addresses"])  # as a deployment configures them
    for source in list_sources(inbox):
        result = read_source(source, inbox, support)
        assert result.balanced, source.rel
        total.feedback += result.feedback
        total.calls += result.calls
        total.quarantine += result.quarantine
    return total


@pytest.fixture(scope="module")
def feedback_by_key(read) -> dict:
    return {(f.channel, f.source_key): f for f in read.feedback}


def _phrases(bank, flag: str) -> set[str]:
    entry = bank[flag]
    return set(entry.formal + entry.spoken + entry.casual)


def test_every_ground_truth_item_is_read_back_exactly_once(read, truth):
    read_keys = Counter((f.channel, f.source_key) for f in read.feedback)
    planted = Counter((item["channel"], item["source_key"]) for item in truth["items"])
    assert read_keys == planted
    assert set(planted.values()) == {1}
    assert {item["channel"] for item in truth["items"]} == {"call", "email", "form", "sns"}


def test_readers_return_the_planted_text_and_file(truth, feedback_by_key):
    for item in truth["items"]:
        feedback = feedback_by_key[(item["channel"], item["source_key"])]
        assert feedback.text == item["text"], item["source_key"]
        assert feedback.source_file == item["source_file"]
        assert feedback.customer_id == (item["customer_id"] if item["channel"] != "email" else None)


def test_channel_mix_and_volume_follow_the_arguments(truth):
    channels = Counter(item["channel"] for item in truth["items"])
    assert sum(channels.values()) >= DAYS * PER_DAY
    assert 0.25 <= channels["call"] / sum(channels.values()) <= 0.36
    kinds = Counter(item["kind"] for item in truth["items"])
    assert 0.08 <= (kinds["praise"] + kinds["question"]) / len(truth["items"]) <= 0.18
    assert all((item["issue"] is None) == (item["kind"] != "complaint") for item in truth["items"])


def test_every_malformed_record_is_quarantined_with_its_file_and_line(read, truth):
    quarantined = {(q.source_file, q.source_line) for q in read.quarantine}
    planted = {(m["source_file"], m["line"]) for m in truth["malformed"]}
    assert quarantined == planted
    problems = " / ".join(m["problem"] for m in truth["malformed"])
    for kind in ("broken JSON", "missing required field", "timestamp", "without body", "email"):
        assert kind in problems


def test_legacy_encoded_files_decode_to_the_planted_japanese(inbox, truth, feedback_by_key):
    legacy = truth["legacy_encodings"]
    assert {"cp932", "utf-8-sig", "iso-2022-jp", "shift_jis"} <= set(legacy.values())
    for rel, charset in legacy.items():
        raw = (inbox / rel).read_bytes()
        if charset == "cp932":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
        elif charset == "utf-8-sig":
            assert raw.startswith(b"\xef\xbb\xbf")
        else:
            assert f'charset="{charset}"'.encode() in raw
        items = [item for item in truth["items"] if item["source_file"] == rel]
        assert items, rel
        for item in items:
            text = feedback_by_key[(item["channel"], item["source_key"])].text
            assert text == item["text"] and JAPANESE.search(text)


def test_every_flag_and_decoy_kind_is_planted_in_the_text(truth):
    flagged = {flag for item in truth["items"] for flag in item["flags"]}
    decoyed = {flag for item in truth["items"] for flag in item["decoy_flags"]}
    assert flagged == set(FLAGS)
    assert decoyed == set(FLAGS)
    for item in truth["items"]:
        for flag in item["flags"]:
            in_symptom = flag == "safety" and (
                item["issue"] in SAFETY_ISSUES or any(word in item["text"] for word in SAFETY_WORDS)
            )
            assert in_symptom or any(p in item["text"] for p in _phrases(FLAG_PHRASES, flag))
        for flag in item["decoy_flags"]:
            assert any(p in item["text"] for p in _phrases(DECOY_PHRASES, flag))


def test_calls_carry_the_planted_agent_qa_cases(read, truth):
    calls = {call.call_id: call for call in read.calls}
    planted = truth["calls"]
    for call_id in planted["abandoned"]:
        call = calls[call_id]
        assert call.abandoned and call.answered_after_s is None and not call.turns
    assert planted["forbidden_phrase"] and planted["forbidden_phrase_decoy"]
    for call_id, phrases in planted["forbidden_phrase"].items():
        agent = [t.text for t in calls[call_id].turns if t.speaker == "agent"]
        assert all(FORBIDDEN[phrase] in agent for phrase in phrases)
    for call_id in planted["internal_contact"]:
        assert any(("内線" in t.text or "携帯" in t.text) for t in calls[call_id].turns)
    for call_id in planted["escalation_request"]:
        assert any(re.search("上司|責任者|上の人", t.text) for t in calls[call_id].turns)
    for key, report in (("long_hold_without_report", False), ("long_hold_with_report", True)):
        assert planted[key]
        for call_id in planted[key]:
            holds = calls[call_id].hold_segments
            assert any(h.duration_s > 45 and h.intermediate_report is report for h in holds)
    answered = [c for c in read.calls if not c.abandoned]
    fast = sum(c.answered_after_s < 20 for c in answered) / len(answered)
    resolved = sum(bool(c.resolved_first_contact) for c in answered) / len(answered)
    assert fast > 0.7 and 0.8 <= resolved <= 0.95
    assert all(c.agent_id and c.team for c in answered)


def test_each_issue_is_phrased_many_ways(truth):
    texts = defaultdict(list)
    duplicates = {d["source_key"] for d in truth["duplicates"]}
    for item in truth["items"]:
        if item["issue"] and item["source_key"] not in duplicates:
            texts[item["issue"]].append(item["text"])
    assert set(texts) == set(truth["issues"])
    for issue, bodies in texts.items():
        assert len(set(bodies)) / len(bodies) >= 0.9, issue
        assert truth["issues"][issue]["count"] == len(bodies) + sum(
            1 for i in truth["items"] if i["issue"] == issue and i["source_key"] in duplicates
        )


def test_spike_issue_jumps_from_its_start_date(truth):
    spike = truth["spike"]
    daily = Counter(
        item["created_at"][:10] for item in truth["items"] if item["issue"] == spike["issue"]
    )
    before = [daily[d] for d in daily if d < spike["start"]]
    after = [daily[d] for d in daily if d >= spike["start"]]
    assert sum(after) / len(after) >= 2.5 * sum(before) / max(len(before), 1)


def test_root_cause_value_concentrates_in_one_issue(truth, feedback_by_key):
    cause = truth["root_cause"]
    forms = [i for i in truth["items"] if i["channel"] == "form" and i["product"] == "kx200"]

    def share(items):
        values = [
            feedback_by_key[("form", i["source_key"])].attributes.get(cause["attribute"])
            for i in items
        ]
        return values.count(cause["value"]) / len(values)

    assert share([i for i in forms if i["issue"] == cause["issue"]]) >= 0.7
    assert share([i for i in forms if i["issue"] != cause["issue"]]) <= 0.4


def _decoded_corpus(inbox: Path) -> str:
    """Every raw file as text: exports decoded, every mail header and body part decoded."""
    chunks = []
    for path in sorted(inbox.rglob("*")):
        if not path.is_file() or path.name == "ground_truth.json":
            continue
        if path.suffix == ".mbox":
            messages = list(mailbox.mbox(path, factory=None))
            raws = [m.as_bytes() for m in messages]
        elif path.suffix == ".eml":
            raws = [path.read_bytes()]
        else:
            chunks.append(decode_export(path.read_bytes()).text)
            continue
        for raw in raws:
            message = email.message_from_bytes(raw, policy=policy.default)
            chunks += [str(message[h]) for h in ("From", "To", "Subject") if message[h]]
            chunks.append(message.get_content())
    return "\n".join(chunks)


def test_planted_personal_data_appears_in_the_raw_files(inbox, truth):
    corpus = _decoded_corpus(inbox)
    pii = truth["pii"]
    for kind in ("phone", "email", "card", "postal_code", "address", "order_id", "name"):
        assert pii[kind], kind
        missing = [value for value in pii[kind] if value not in corpus]
        assert not missing, (kind, missing[:5])
    assert all(_luhn_valid(card) for card in pii["card"])
    assert any("０" in phone or "９" in phone for phone in pii["phone"])
    assert any(phone.startswith("+81") for phone in pii["phone"])
    assert all(re.fullmatch(r"ORD-\d{8}-\d{4}", order) for order in pii["order_id"])
    for address in truth["maker"]["support_addresses"]:
        assert address not in pii["email"]


def test_duplicates_repeat_text_and_sender(truth, feedback_by_key):
    assert {d["channel"] for d in truth["duplicates"]} == {"form", "sns"}
    for duplicate in truth["duplicates"]:
        copy = feedback_by_key[(duplicate["channel"], duplicate["source_key"])]
        original = feedback_by_key[(duplicate["channel"], duplicate["duplicate_of"])]
        assert copy.text == original.text
        assert (copy.customer_id, copy.author) == (original.customer_id, original.author)
        assert 0 < (copy.created_at - original.created_at).total_seconds() < 24 * 3600


def test_cross_channel_customers_appear_on_each_channel(truth):
    assert truth["cross_channel_customers"]
    channels = defaultdict(set)
    for item in truth["items"]:
        channels[item["customer_id"]].add(item["channel"])
    for entry in truth["cross_channel_customers"]:
        assert (
            set(entry["channels"]) == channels[entry["customer_id"]] and len(entry["channels"]) > 1
        )


def test_support_replies_are_not_feedback_but_set_first_response(read):
    mails = [f for f in read.feedback if f.channel == "email"]
    assert all("kotoha-denki" not in (f.author or "") for f in mails)
    answered = [f for f in mails if f.first_response_at is not None]
    assert len(answered) / len(mails) > 0.5
    assert all(f.first_response_at > f.created_at for f in answered)


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    def snapshot(out: Path) -> dict[str, bytes]:
        return {
            p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
        }

    generate(tmp_path / "a", 4, 20, 42)
    # The command line, in a process with other string hashing, writes the very same bytes.
    command = [sys.executable, "-m", "sample", "--out", str(tmp_path / "b")]
    command += ["--days", "4", "--per-day", "20", "--seed", "42", "--start", "2026-08-01"]
    env = {**os.environ, "PYTHONHASHSEED": "123"}
    subprocess.run(command, check=True, cwd=REPO, env=env, capture_output=True)
    generate(tmp_path / "c", 4, 20, 43, start=date(2026, 8, 1))
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert snapshot(tmp_path / "a") != snapshot(tmp_path / "c")


def test_without_ground_truth_the_inbox_is_the_same_and_nothing_is_kept(tmp_path):
    def files(out: Path) -> dict[str, bytes]:
        return {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in out.rglob("*")
            if p.is_file() and p.name != "ground_truth.json"
        }

    kept = write_inbox(tmp_path / "kept", 20, 30, 5)
    lean = write_inbox(tmp_path / "lean", 20, 30, 5, keep_truth=False)
    assert files(tmp_path / "kept") == files(tmp_path / "lean")
    assert not (tmp_path / "lean" / "ground_truth.json").exists()
    assert lean.written == kept.written == len(kept.truth.items) > 0
    # Nothing that grows with the documents is left in memory: no items, no pending mail.
    assert lean.truth.items == [] and lean.email_days == {}


def test_regenerating_replaces_channel_folders_but_keeps_other_files(tmp_path):
    generate(tmp_path, 3, 20, 1)
    (tmp_path / "calls" / "stale.jsonl").write_text("{}\n")
    (tmp_path / "README.txt").write_text("keep me")
    generate(tmp_path, 2, 20, 1)
    assert not (tmp_path / "calls" / "stale.jsonl").exists()
    assert not (tmp_path / "calls" / "2026-08-03.jsonl").exists()
    assert (tmp_path / "README.txt").read_text() == "keep me"


def _luhn_valid(number: str) -> bool:
    """The Luhn checksum every real card number passes."""
    digits = [int(c) for c in number if c.isdigit()][::-1]
    total = sum(
        d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
    )
    return total % 10 == 0


@pytest.fixture(scope="module")
def faq_inbox(tmp_path_factory) -> tuple[dict, dict]:
    """A sample long enough to ask each planted question over every channel: its ground truth
    and its call log (call id → record)."""
    out = tmp_path_factory.mktemp("faq-inbox")
    generate(out, 45, 60, 7)
    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    calls = {}
    for path in sorted((out / "calls").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith('{"call_id": "CL-2'):  # the malformed line is planted apart
                record = json.loads(line)
                calls[record["call_id"]] = record
    return truth, calls


def test_planted_recurring_questions_are_asked_in_varied_words_over_every_channel(faq_inbox):
    from sample.faq import FAQ_TOPICS

    truth, calls = faq_inbox
    asked = defaultdict(list)
    for item in truth["items"]:
        if item.get("faq"):
            assert item["kind"] == "question" and item["issue"] is None
            asked[item["faq"]].append(item)
    assert set(asked) == {t.key for t in FAQ_TOPICS}
    for key, items in asked.items():
        assert truth["faq_topics"][key]["count"] == len(items)
        assert {i["channel"] for i in items} == {"call", "email", "form", "sns"}, key
        # Templates that fill one slot would make clustering look better than it is.
        assert len({i["text"] for i in items}) >= 0.8 * len(items), key
    # A call about a planted question is solved at first contact at the topic's own rate.
    rate = {t.key: t.first_contact_resolution for t in FAQ_TOPICS}
    solved = defaultdict(list)
    for key, items in asked.items():
        for item in items:
            if item["channel"] == "call":
                solved[key].append(calls[item["source_key"]]["resolved_first_contact"])
    low = min(rate, key=rate.get)
    assert sum(solved[low]) / len(solved[low]) < min(
        sum(v) / len(v) for k, v in solved.items() if k != low
    )
