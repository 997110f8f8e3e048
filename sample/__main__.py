"""``python -m sample --out data/inbox --days 90 --per-day 60 --seed 7``: write a sample inbox
(see `sample.inbox`)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from sample.inbox import DEFAULT_START, write_inbox


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Write a deterministic sample inbox with its ground truth."
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--per-day", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START)
    parser.add_argument(
        "--append", action="store_true", help="add these days beside the files already in --out"
    )
    parser.add_argument(
        "--no-truth",
        action="store_true",
        help="keep and write no ground truth: memory stays flat for very large inboxes",
    )
    args = parser.parse_args(argv)
    generator = write_inbox(
        args.out, args.days, args.per_day, args.seed, args.start, args.append, not args.no_truth
    )
    truth = "none" if args.no_truth else args.out / generator.truth_name
    print(f"wrote {generator.written} feedback items to {args.out} (ground truth: {truth})")


if __name__ == "__main__":
    main()
