"""Episodes: emerging alerts about one subject on consecutive days are one episode."""

from __future__ import annotations

from datetime import date, timedelta

from insights.alerts import Alert
from insights.emerging import EmergingAlert
from insights.episodes import build_episodes

DAY = date(2026, 10, 1)
APP = "かけいぼPlus アプリ"


def test(kind: str, issue: str, day: date, window: int = 1, observed=9.0, expected=2.0):
    return EmergingAlert(kind, issue, day, window, observed, expected, 1e-5)


test.__test__ = False  # a helper, not a test


def alert(kind: str, issue: str | None, day: date, window: int = 1, product: str = APP) -> Alert:
    return Alert(
        f"alt_{kind}_{issue}_{day:%m%d}_{window}",
        kind,
        day,
        window,
        issue,
        None,
        product,
        "品質保証",
        f"{kind}: {issue}",
        9.0,
        2.0,
        1e-5,
    )


def days(n: int, start: date = DAY) -> list[date]:
    return [start + timedelta(days=k) for k in range(n)]


def test_a_rise_in_both_windows_on_consecutive_days_is_one_episode():
    # The one-day test fires on days 0–2, the seven-day test on days 1–5: two alerts, one rise.
    tested = {d: [test("volume_spike", "iss-login", d)] for d in days(3)}
    for d in days(5, DAY + timedelta(days=1)):
        tested.setdefault(d, []).append(test("volume_spike", "iss-login", d, 7, 30.0, 10.0))
    alerts = [
        alert("volume_spike", "iss-login", DAY),
        alert("volume_spike", "iss-login", days(2)[1], 7),
    ]

    [episode] = build_episodes(tested, alerts)

    assert episode.kind == "rise" and episode.issue_id == "iss-login"
    assert (episode.first_day, episode.last_day, episode.days) == (DAY, DAY + timedelta(days=5), 6)
    assert episode.alert_ids == tuple(a.alert_id for a in alerts)
    assert episode.peak_ratio == 4.5 and episode.title == "volume_spike: iss-login"


def test_a_quiet_day_ends_the_episode_and_the_next_rise_is_another():
    fired = [DAY, DAY + timedelta(days=1), DAY + timedelta(days=3)]
    tested = {d: [test("volume_spike", "iss-login", d)] for d in fired}
    alerts = [alert("volume_spike", "iss-login", DAY), alert("volume_spike", "iss-login", fired[2])]

    episodes = build_episodes(tested, alerts)

    assert [(e.first_day, e.last_day, e.alert_ids) for e in episodes] == [
        (DAY, fired[1], (alerts[0].alert_id,)),
        (fired[2], fired[2], (alerts[1].alert_id,)),
    ]
    assert episodes[0].episode_id != episodes[1].episode_id


def test_other_issues_products_and_kinds_are_other_episodes():
    tested = {
        DAY: [
            test("volume_spike", "iss-login", DAY),
            test("volume_spike", "iss-sync", DAY),
            test("product_spike", APP, DAY),
            test("sentiment_drop", "iss-login", DAY, 7, -0.6, -0.2),
        ]
    }
    alerts = [
        alert("volume_spike", "iss-login", DAY),
        alert("volume_spike", "iss-sync", DAY),
        alert("product_spike", None, DAY),
        alert("sentiment_drop", "iss-login", DAY, 7),
        alert("new_issue", "iss-new", DAY, 3),
    ]

    episodes = build_episodes(tested, alerts)

    assert sorted((e.kind, e.issue_id or "", e.product) for e in episodes) == [
        ("new_issue", "iss-new", APP),
        ("rise", "", APP),
        ("rise", "iss-login", APP),
        ("rise", "iss-sync", APP),
        ("sentiment_drop", "iss-login", APP),
    ]
    assert all(len(e.alert_ids) == 1 for e in episodes)


def test_flagged_voices_make_incidents_not_episodes():
    flagged = Alert(
        "alt_s", "safety", DAY, 1, None, "fb1", APP, "お客様相談室", "安全", None, None, None
    )
    assert build_episodes({}, [flagged]) == []


def test_the_same_days_give_the_same_ids_and_a_longer_rise_keeps_its_id():
    alerts = [alert("volume_spike", "iss-login", DAY)]
    short = build_episodes({d: [test("volume_spike", "iss-login", d)] for d in days(2)}, alerts)
    again = build_episodes({d: [test("volume_spike", "iss-login", d)] for d in days(2)}, alerts)
    longer = build_episodes({d: [test("volume_spike", "iss-login", d)] for d in days(4)}, alerts)
    assert short == again
    assert [e.episode_id for e in longer] == [e.episode_id for e in short]
    assert longer[0].days == 4
