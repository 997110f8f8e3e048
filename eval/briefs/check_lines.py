"""Check an agent-turn file (nlp/data/agent_lines format) and print its counts.

    python3 check_lines.py FILE.jsonl

Each line: {"id": "<author>-0001", "line": str (15–150 characters), "label": bool, "kind": str},
the kind one of KINDS[label]. Prints the errors (file:line), then counts per label and kind.
"""

import json
import re
import sys
from collections import Counter

KINDS = {
    True: {"direct_line", "extension", "mobile", "staff_email", "named_colleague"},
    False: {
        "public_number",
        "public_address",
        "declined",
        "customer_number",
        "transfer",
        "callback",
        "other_number",
        "no_contact",
        "own_name",
    },
}


def main(path: str) -> int:
    errors, counts, seen = [], Counter(), set()
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(raw)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: not JSON ({e})")
                continue
            if set(row) != {"id", "line", "label", "kind"}:
                errors.append(f"{where}: keys must be exactly id, line, label, kind")
                continue
            if not re.fullmatch(r"[a-z]\d{2}-\d{4}", str(row["id"])) or row["id"] in seen:
                errors.append(f"{where}: id {row['id']!r} malformed or repeated")
            seen.add(row["id"])
            if not isinstance(row["label"], bool):
                errors.append(f"{where}: label must be true or false")
                continue
            if not isinstance(row["line"], str) or not 15 <= len(row["line"]) <= 150:
                errors.append(f"{where}: line must be 15–150 characters")
            if row["kind"] not in KINDS[row["label"]]:
                errors.append(f"{where}: kind {row['kind']!r} does not fit label {row['label']}")
            counts[(row["label"], row["kind"])] += 1
    for e in errors:
        print(e)
    print(f"{len(errors)} errors")
    print(f"turns: {sum(counts.values())}")
    for label in (True, False):
        print(f"label {str(label).lower()}: {sum(v for (lab, _), v in counts.items() if lab == label)}")
        for kind in sorted(KINDS[label]):
            print(f"  {kind}: {counts[(label, kind)]}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
