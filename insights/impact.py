"""What to fix first: each issue's impact on the figures an executive watches, with an interval.

Impact is how much an overall figure would change without the issue's voices, the definition
Thematic and Chattermill use: for a share such as the negative share,

    impact = share(all voices) − share(all voices but the issue's).

An issue raises a figure only as far as it is both large and worse than the rest: a big issue
with an ordinary negative share has an impact near 0, a few very angry voices a small one. The
figures (`koe.vocabulary.IMPACT_FIGURES`) are all shares of what went badly, so a positive
impact always means "the figure is worse because of this issue":

- the negative share, and the shares of voices with the churn or the refund flag;
- 再問い合わせ率 (repeat contacts among the voices about an issue from known customers);
- the share of answered calls not solved at first contact (1 − 1次解決率).

The figures are on different scales, so the ranking combines them as *relative* impacts: the
part of each figure the issue accounts for (impact ÷ the figure), averaged over the figures with
at least `MIN_BAD` bad outcomes in the period.

**Interval.** The counts come per outcome pattern (`marts.impact_cells`: one cell per issue and
combination of outcomes), and a Poisson bootstrap resamples them: each replicate draws every
cell's count from a Poisson distribution with its observed count as the mean, which is how
resampling the voices with replacement behaves at this size, without reading a document. The
interval is the 2.5th–97.5th percentile of the replicates. Issues are ranked by the interval's
lower end, so a small issue whose few voices happen to be extreme cannot top the list by chance:
its interval is wide and reaches down to nothing.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from koe.vocabulary import IMPACT_FIGURES

REPLICATES = 1000
LEVEL = 0.95
SEED = 20260815  # fixed: the same counts always give the same interval, run after run
# A figure joins the combined impact only with at least this many bad outcomes in the period:
# with three churn voices in all, the issue holding them "accounts for 100 % of churn", which is
# noise, not a reason to fix it first. Its own impact column is still shown.
MIN_BAD = 20
# The rows of marts.impact_cells that are not issues: they count in every figure, never ranked.
NOT_ISSUES = ("__not_complaint__", "__unclassified__")


@dataclass(frozen=True)
class Figure:
    """One overall figure: the share of ``base`` cells that are ``bad``."""

    code: str
    bad: str
    base: str


FIGURES = (
    Figure("negative_share", "negative", "is_voice"),
    Figure("churn_share", "churn", "is_voice"),
    Figure("refund_share", "refund", "is_voice"),
    Figure("repeat_contact_rate", "repeat_contact", "repeat_base"),
    Figure("first_contact_miss_rate", "fcr_miss", "fcr_known"),
)
assert tuple(f.code for f in FIGURES) == tuple(IMPACT_FIGURES), "one figure per vocabulary code"

CELL_COLUMNS = ("issue_id", *dict.fromkeys(c for f in FIGURES for c in (f.bad, f.base)), "n")


def rank_issues(
    cells: pd.DataFrame, replicates: int = REPLICATES, seed: int = SEED
) -> pd.DataFrame:
    """Every issue in ``cells`` with its impact on each figure and combined, highest lower bound
    first.

    ``cells`` has the columns of `CELL_COLUMNS` (one row per issue and outcome pattern, ``n``
    voices each; summing `marts.impact_cells` over days gives it). Rows whose issue is NULL or
    one of `NOT_ISSUES` count in the overall figures and are not ranked.

    Returns one row per issue: ``issue_id``, ``voices``, ``impact`` (the mean relative impact)
    with ``impact_low`` / ``impact_high``, and per figure ``<code>`` (the impact in share points,
    e.g. 0.012 = 1.2 points), ``<code>_low``, ``<code>_high``, plus ``overall_<code>`` (the
    figure itself). Empty when there is no issue.
    """
    missing = set(CELL_COLUMNS) - set(cells.columns)
    if missing:
        raise ValueError(f"impact cells lack the columns {sorted(missing)}")
    ids = cells["issue_id"]
    ranked = ids.notna() & ~ids.isin(NOT_ISSUES)
    issues = sorted(ids[ranked].unique())
    columns = ["issue_id", "voices", "impact", "impact_low", "impact_high"]
    for f in FIGURES:
        columns += [f.code, f"{f.code}_low", f"{f.code}_high", f"overall_{f.code}"]
    if not issues:
        return pd.DataFrame(columns=columns)

    # Cells sorted by issue (the others last), so one reduceat sums each issue's cells.
    position = {issue: k for k, issue in enumerate(issues)}
    owner = ids.map(position).where(ranked, len(issues)).fillna(len(issues)).to_numpy(dtype=int)
    order = np.argsort(owner, kind="stable")
    owner = owner[order]
    counts = cells["n"].to_numpy(dtype=float)[order]
    flags = {c: cells[c].to_numpy(dtype=bool)[order] for c in CELL_COLUMNS[1:-1]}
    # Where each issue's cells start, and where the others' start (the end when there are none).
    starts = np.searchsorted(owner, np.arange(len(issues) + 1))

    rng = np.random.default_rng(seed)
    # Row 0 is the data itself; rows 1.. the bootstrap replicates. The zero column at the end
    # keeps reduceat's last segment (the others) valid even when every cell is an issue's.
    weights = np.vstack([counts, rng.poisson(counts, size=(replicates, len(counts)))])
    weights = np.hstack([weights, np.zeros((replicates + 1, 1))])

    def per_issue(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per replicate: the total over all cells, and each issue's own sum."""
        w = weights * np.append(mask, False)
        return w.sum(axis=1), np.add.reduceat(w, starts, axis=1)[:, : len(issues)]

    relative = []
    out = {"issue_id": issues}
    out["voices"] = per_issue(flags["is_voice"])[1][0].astype(int)
    lo_q, hi_q = 100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        # An all-NaN column (a figure undefined in every replicate) is NaN, and says so.
        warnings.simplefilter("ignore", RuntimeWarning)
        for f in FIGURES:
            bad_total, bad = per_issue(flags[f.bad] & flags[f.base])
            base_total, base = per_issue(flags[f.base])
            overall = bad_total / base_total
            without = (bad_total[:, None] - bad) / (base_total[:, None] - base)
            delta = overall[:, None] - without
            # An issue with none of the figure's base leaves the figure as it is.
            delta = np.where(base > 0, delta, 0.0)
            out[f.code] = delta[0]
            out[f"{f.code}_low"] = np.nanpercentile(delta[1:], lo_q, axis=0)
            out[f"{f.code}_high"] = np.nanpercentile(delta[1:], hi_q, axis=0)
            out[f"overall_{f.code}"] = np.full(len(issues), overall[0])
            if bad_total[0] >= MIN_BAD:
                relative.append(delta / overall[:, None])
        if relative:
            score = np.nanmean(np.stack(relative), axis=0)
        else:  # no figure has enough bad outcomes to rank on: no issue stands out
            score = np.zeros((replicates + 1, len(issues)))
        out["impact"] = score[0]
        out["impact_low"] = np.nanpercentile(score[1:], lo_q, axis=0)
        out["impact_high"] = np.nanpercentile(score[1:], hi_q, axis=0)
    frame = pd.DataFrame(out)[columns]
    return frame.sort_values(
        ["impact_low", "impact", "issue_id"], ascending=[False, False, True], ignore_index=True
    )
