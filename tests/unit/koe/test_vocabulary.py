"""The vocabulary: one Japanese name per code, and every list the detectors and marts rely on."""

from __future__ import annotations

import pytest

from koe import vocabulary

TABLES = {
    "CHANNELS": vocabulary.CHANNELS,
    "SENTIMENTS": vocabulary.SENTIMENTS,
    "FLAGS": vocabulary.FLAGS,
    "QA_CHECKS": vocabulary.QA_CHECKS,
    "ALERT_KINDS": vocabulary.ALERT_KINDS,
    "ROOT_CAUSE_ATTRIBUTES": vocabulary.ROOT_CAUSE_ATTRIBUTES,
}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_no_two_codes_of_a_table_share_a_name(table):
    names = list(TABLES[table].values())
    assert len(names) == len(set(names))


def test_a_flag_alerted_at_once_has_the_same_name_as_alert_and_as_flag():
    for flag in vocabulary.IMMEDIATE_FLAGS:
        assert vocabulary.ALERT_KINDS[flag] == vocabulary.FLAGS[flag]


def test_every_kpi_has_a_direction_and_a_unit():
    for kpi in vocabulary.KPIS:
        assert kpi.direction in (">=", "<=")
        assert kpi.unit in ("share", "seconds")
        assert 0 < kpi.target <= (1 if kpi.unit == "share" else 3600)


def test_an_unknown_or_missing_code_is_shown_as_itself_or_as_unknown():
    assert vocabulary.name_of(vocabulary.CHANNELS, "fax") == "fax"
    assert vocabulary.name_of(vocabulary.CHANNELS, None) == vocabulary.UNKNOWN
    assert vocabulary.name_of(vocabulary.CHANNELS, "sns") == "SNS"


def test_every_flag_detector_reports_only_vocabulary_codes():
    from nlp.flags import detect_flags

    text = "SNSに拡散します。弁護士に相談します。上司を出してください。発火しました。返金してください。解約します。"
    found = detect_flags(text)
    assert found and set(found) <= set(vocabulary.FLAGS)
    assert found == [f for f in vocabulary.FLAGS if f in found]  # in the vocabulary's order
