"""What flagging no decoy would cost in recall, from the out-of-author training predictions.

The issue's target for decoys (texts that use a flag's words without its intent) is that none is
flagged. `python -m eval tune --folds 5 --record FILE` scores every training text with a
classifier fit without its author; this reads that record and says, per flag, how many of the
flag's decoys the tuned threshold flags, and what recall is left at a threshold above every decoy
or above all but ``share`` of them.

    python -m eval.decoy_cost RECORD
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from eval.relabel import _jsonl, _line, training_rows

# The decoy share the second cut allows: about one of a blind set's 42 decoys per flag.
SHARE = 0.01


@dataclass(frozen=True)
class DecoyCost:
    flag: str
    decoys: int
    flagged: int  # decoys at or over the tuned threshold
    recall: float  # at the tuned threshold
    recall_no_decoy: float  # at a threshold above every decoy
    recall_share: float  # at a threshold above all but ``share`` of the decoys


def _recall(positives: list[float], cut: float, inclusive: bool) -> float:
    found = sum(p >= cut if inclusive else p > cut for p in positives)
    return found / len(positives) if positives else 0.0


def decoy_cost(
    rows: Iterable[dict],
    decoys_of: Callable[[dict], Iterable[str]],
    thresholds: Mapping[str, float],
    flags: Iterable[str],
    share: float = SHARE,
) -> list[DecoyCost]:
    """``rows``: the tune's record (``flags`` the author's labels, ``p`` the probabilities);
    ``decoys_of(row)``: the flags the row is a decoy of."""
    rows = [(row, set(decoys_of(row))) for row in rows]
    out = []
    for flag in flags:
        positives = [row["p"][flag] for row, _ in rows if flag in row["flags"]]
        decoys = sorted((row["p"][flag] for row, d in rows if flag in d), reverse=True)
        if not decoys:
            continue
        cut = thresholds[flag]
        allowed = decoys[int(len(decoys) * share)]  # the highest decoy score left unflagged
        out.append(
            DecoyCost(
                flag,
                len(decoys),
                sum(p >= cut for p in decoys),
                _recall(positives, cut, inclusive=True),
                _recall(positives, decoys[0], inclusive=False),
                _recall(positives, allowed, inclusive=False),
            )
        )
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    from koe.vocabulary import FLAGS
    from nlp.models import thresholds

    paths = training_rows()
    rows = _jsonl(Path(argv[0]))
    costs = decoy_cost(
        rows,
        lambda row: _line(paths[row["file"]], row["line"]).get("decoy_flags") or (),
        thresholds(),
        FLAGS,
    )
    print(f"{'flag':18s} decoys flagged share  recall | no decoy: recall | {SHARE:.0%}: recall")
    for c in costs:
        print(
            f"{c.flag:18s} {c.decoys:6d} {c.flagged:7d} {c.flagged / c.decoys:5.1%}  {c.recall:.3f}"
            f" |           {c.recall_no_decoy:.3f} |     {c.recall_share:.3f}"
        )
    total, flagged = sum(c.decoys for c in costs), sum(c.flagged for c in costs)
    print(f"all decoys: {flagged} of {total} flagged ({flagged / max(1, total):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
