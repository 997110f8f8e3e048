"""Check an author's JSONL file: `python3 check.py FILE` (feedback) or `python3 check.py --calls FILE`.
Prints every format problem, then the label counts."""
import json, sys, collections, datetime
CAT = json.load(open(__file__.rsplit("/", 1)[0] + "/catalog.json"))
PRODUCTS = {n for d in CAT["domains"].values() for n in d["products"].values()}
PRODUCT_KEY = {k: n for d in CAT["domains"].values() for k, n in d["products"].items()}
KEYS = {"id", "channel", "product", "issue", "kind", "sentiment", "flags", "decoy_flags", "indirect", "text", "pii"}
def feedback(lines):
    errs, c = [], collections.Counter(); ids = set()
    for n, line in enumerate(lines, 1):
        if not line.strip(): continue
        try: r = json.loads(line)
        except Exception as e: errs.append(f"line {n}: bad JSON {e}"); continue
        w = f"line {n} ({r.get('id')})"
        if set(r) != KEYS: errs.append(f"{w}: keys must be exactly {sorted(KEYS)}"); continue
        if r["id"] in ids: errs.append(f"{w}: duplicate id")
        ids.add(r["id"])
        if r["channel"] not in ("call", "email", "form", "sns"): errs.append(f"{w}: channel")
        if r["product"] is not None and r["product"] not in PRODUCTS: errs.append(f"{w}: product must be a catalogue name or null")
        if r["issue"] is not None:
            if r["issue"] not in CAT["issues"]: errs.append(f"{w}: unknown issue"); continue
            if r["kind"] != "complaint": errs.append(f"{w}: an issue implies kind complaint")
            if r["product"] is not None and PRODUCT_KEY[CAT["issues"][r["issue"]]["product"]] != r["product"]: errs.append(f"{w}: issue belongs to another product")
        if r["kind"] not in CAT["kinds"]: errs.append(f"{w}: kind")
        if r["sentiment"] not in CAT["sentiments"]: errs.append(f"{w}: sentiment")
        for k in ("flags", "decoy_flags"):
            if not isinstance(r[k], list) or not set(r[k]) <= set(CAT["flags"]): errs.append(f"{w}: {k}")
        if set(r["flags"]) & set(r["decoy_flags"]): errs.append(f"{w}: flag both real and decoy")
        if not isinstance(r["indirect"], bool): errs.append(f"{w}: indirect must be true/false")
        if not isinstance(r["text"], str) or not r["text"].strip(): errs.append(f"{w}: text"); continue
        pos = 0
        for p in r["pii"]:
            if set(p) != {"type", "value"} or p["type"] not in CAT["pii_types"]: errs.append(f"{w}: pii item {p}"); continue
            i = r["text"].find(p["value"], pos)
            if i < 0: errs.append(f"{w}: pii value {p['value']!r} not found (in order) in text")
            else: pos = i + len(p["value"])
        c["texts"] += 1; c["channel " + r["channel"]] += 1; c["kind " + r["kind"]] += 1
        c["sentiment " + r["sentiment"]] += 1; c["with pii"] += bool(r["pii"]); c["indirect"] += r["indirect"]
        for f in r["flags"]: c["flag " + f] += 1
        for f in r["decoy_flags"]: c["decoy " + f] += 1
        if r["issue"]: c["issue " + r["issue"]] += 1
    return errs, c
def calls(lines):
    errs, c = [], collections.Counter(); ids = set()
    for n, line in enumerate(lines, 1):
        if not line.strip(): continue
        try: r = json.loads(line)
        except Exception as e: errs.append(f"line {n}: bad JSON {e}"); continue
        w = f"line {n}"
        if set(r) != {"call", "labels"}: errs.append(f"{w}: keys must be call, labels"); continue
        k, lab = r["call"], r["labels"]
        need = {"call_id", "started_at", "product", "answered_after_s", "abandoned", "resolved_first_contact", "customer_id", "agent_id", "team", "hold_segments", "turns"}
        if set(k) != need: errs.append(f"{w}: call keys must be exactly {sorted(need)}"); continue
        if k["call_id"] in ids: errs.append(f"{w}: duplicate call_id")
        ids.add(k["call_id"])
        try: datetime.datetime.fromisoformat(k["started_at"]).utcoffset()
        except Exception: errs.append(f"{w}: started_at must be ISO 8601 with offset")
        if k["product"] is not None and k["product"] not in PRODUCTS: errs.append(f"{w}: product")
        if k["abandoned"] is not False or not isinstance(k["answered_after_s"], (int, float)): errs.append(f"{w}: answered calls: abandoned false, answered_after_s a number")
        if not isinstance(k["resolved_first_contact"], bool): errs.append(f"{w}: resolved_first_contact bool")
        for key in ("call_id", "customer_id", "agent_id", "team"):
            if not isinstance(k[key], str) or not k[key].strip(): errs.append(f"{w}: {key} must be a non-empty string")
        last = -1
        for t in k["turns"]:
            if set(t) != {"speaker", "t", "text"} or t["speaker"] not in ("agent", "customer") or not isinstance(t["t"], (int, float)) or not t["text"].strip(): errs.append(f"{w}: turn {t}"); break
            if t["t"] < last: errs.append(f"{w}: turn times must not go back"); break
            last = t["t"]
        for h in k["hold_segments"]:
            if set(h) != {"start_s", "duration_s", "intermediate_report"}: errs.append(f"{w}: hold {h}")
        if set(lab) != {"checks", "decoys"} or not set(lab["checks"]) | set(lab["decoys"]) <= set(CAT["qa_checks"]): errs.append(f"{w}: labels"); continue
        if set(lab["checks"]) & set(lab["decoys"]): errs.append(f"{w}: check both real and decoy")
        long = any(h["duration_s"] > 45 and not h["intermediate_report"] for h in k["hold_segments"])
        if long != ("long_hold_without_report" in lab["checks"]): errs.append(f"{w}: long_hold_without_report label contradicts hold_segments")
        c["calls"] += 1
        for x in lab["checks"]: c["check " + x] += 1
        for x in lab["decoys"]: c["decoy " + x] += 1
        if not lab["checks"]: c["no check failed"] += 1
    return errs, c
if __name__ == "__main__":
    is_calls = "--calls" in sys.argv
    path = [a for a in sys.argv[1:] if a != "--calls"][0]
    errs, c = (calls if is_calls else feedback)(open(path, encoding="utf-8").read().splitlines())
    for e in errs[:50]: print("ERROR", e)
    print(f"{len(errs)} errors")
    for k in sorted(c): print(f"{k}: {c[k]}")
