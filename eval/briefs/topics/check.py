"""Check a questions file: `python3 check.py FILE`. Prints every format problem, then the counts."""
import json, sys, collections
CAT = json.load(open(__file__.rsplit("/", 1)[0] + "/catalog.json"))
PRODUCT_KEY = {k: n for d in CAT["domains"].values() for k, n in d["products"].items()}
PRODUCTS = set(PRODUCT_KEY.values())
KEYS = {"id", "channel", "product", "topic", "kind", "sentiment", "text", "pii"}
errs, c, ids = [], collections.Counter(), set()
for n, line in enumerate(open(sys.argv[1], encoding="utf-8").read().splitlines(), 1):
    if not line.strip(): continue
    try: r = json.loads(line)
    except Exception as e: errs.append(f"line {n}: bad JSON {e}"); continue
    w = f"line {n} ({r.get('id')})"
    if set(r) != KEYS: errs.append(f"{w}: keys must be exactly {sorted(KEYS)}"); continue
    if r["id"] in ids: errs.append(f"{w}: duplicate id")
    ids.add(r["id"])
    if r["channel"] not in ("call", "email", "form", "sns"): errs.append(f"{w}: channel")
    if r["product"] is not None and r["product"] not in PRODUCTS: errs.append(f"{w}: product must be a catalogue name or null")
    if r["topic"] is not None:
        if r["topic"] not in CAT["topics"]: errs.append(f"{w}: unknown topic"); continue
        if r["product"] is not None and PRODUCT_KEY[CAT["topics"][r["topic"]]["product"]] != r["product"]: errs.append(f"{w}: topic belongs to another product")
    if r["kind"] not in CAT["kinds"]: errs.append(f"{w}: kind")
    if r["sentiment"] not in CAT["sentiments"]: errs.append(f"{w}: sentiment")
    if not isinstance(r["text"], str) or not r["text"].strip(): errs.append(f"{w}: text"); continue
    pos = 0
    for p in r["pii"]:
        if set(p) != {"type", "value"} or p["type"] not in CAT["pii_types"]: errs.append(f"{w}: pii item {p}"); continue
        i = r["text"].find(p["value"], pos)
        if i < 0: errs.append(f"{w}: pii value {p['value']!r} not found (in order) in text")
        else: pos = i + len(p["value"])
    c["texts"] += 1; c["channel " + r["channel"]] += 1; c["kind " + r["kind"]] += 1
    c["sentiment " + r["sentiment"]] += 1; c["with pii"] += bool(r["pii"])
    c["topic " + str(r["topic"])] += 1
for e in errs: print("ERROR", e)
few = [k for k in CAT["topics"] if c["topic " + k] < 3]
if few: print("ERROR topics with fewer than 3 texts:", few)
for k, v in sorted(c.items()): print(f"{v:5d}  {k}")
