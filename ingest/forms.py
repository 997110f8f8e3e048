"""Web-form exports (``forms/*.csv``, ``forms/*.json``) → ``Feedback`` on channel ``form``.

Columns are matched by Japanese or English header aliases. Contact columns (e-mail, phone) only
link the entry to its customer (masking turns them into pseudonyms); lot, app version, firmware
and region become attributes.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from ingest.charsets import Export, decode_export
from ingest.fields import BadRecord, excerpt, text_field, time_field, unreadable_file
from ingest.records import Feedback, Quarantined, ReadResult, contact, stable_id

CHANNEL = "form"

# role → header spellings seen in real exports (compared after NFKC + lower-casing).
ALIASES: dict[str, tuple[str, ...]] = {
    "submission_id": ("受付ID", "受付番号", "submission_id", "id"),
    "submitted_at": ("受付日時", "送信日時", "submitted_at", "created_at"),
    "product": ("製品", "製品名", "product"),
    "body": ("本文", "お問い合わせ内容", "body", "text"),
    "subject": ("件名", "subject"),
    "name": ("お名前", "氏名", "name"),
    "customer_id": ("顧客ID", "customer_id"),
    "email": ("メールアドレス", "email"),
    "phone": ("電話番号", "phone"),
    "lot": ("ロット番号", "lot"),
    "app_version": ("アプリバージョン", "app_version"),
    "firmware": ("ファームウェア", "firmware"),
    "region": ("都道府県", "region"),
    "responded_at": ("初回返信日時", "responded_at"),
}
REQUIRED = ("submitted_at", "body")
ATTRIBUTES = ("lot", "app_version", "firmware", "region")


def _header_key(header: str) -> str:
    return unicodedata.normalize("NFKC", header).strip().lower()


_ROLE_BY_HEADER = {_header_key(alias): role for role, names in ALIASES.items() for alias in names}


def read_forms(path: Path, rel: str) -> ReadResult:
    """Read one form export; bad rows are quarantined and the rest still read."""
    result = ReadResult()
    try:
        data = path.read_bytes()
    except OSError as error:
        result.read += 1
        result.quarantine.append(unreadable_file(CHANNEL, rel, error))
        return result
    try:
        export = decode_export(data)
    except UnicodeDecodeError:
        result.read += 1
        reason = "file is neither UTF-8 nor CP932 (Shift_JIS) text"
        result.quarantine.append(Quarantined(CHANNEL, rel, None, reason, excerpt(data)))
        return result
    if path.suffix.lower() == ".json":
        if export.bad_lines:
            # A JSON document cannot be read around a broken line: the file is one record here.
            line = min(export.bad_lines)
            result.read += 1
            reason = f"file is not valid {export.encoding} text (line {line})"
            result.quarantine.append(Quarantined(CHANNEL, rel, None, reason, excerpt(export.text)))
            return result
        _read_json(export.text, rel, result)
    else:
        _read_csv(export, rel, result)
    return result


def _columns(headers: list[str]) -> dict[str, str]:
    """role → the header naming it in this export; the first matching column wins."""
    columns: dict[str, str] = {}
    for header in headers:
        role = _ROLE_BY_HEADER.get(_header_key(header))
        if role is not None and role not in columns:
            columns[role] = header
    return columns


def _missing_columns(columns: Mapping[str, str]) -> str | None:
    for role in REQUIRED:
        if role not in columns:
            return f"missing required column '{role}' ({'/'.join(ALIASES[role])})"
    return None


def _read_csv(export: Export, rel: str, result: ReadResult) -> None:
    text = export.text
    # newline="" lets the csv module see quoted line breaks inside a body as part of the cell.
    reader = csv.reader(io.StringIO(text, newline=""))
    headers: list[str] | None = None
    columns: dict[str, str] = {}
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.read += 1
            raw = text.splitlines()[start - 1] if start <= len(text.splitlines()) else ""
            reason = f"malformed CSV: {error}"
            result.quarantine.append(Quarantined(CHANNEL, rel, start, reason, excerpt(raw)))
            continue
        if not any(cell.strip() for cell in row):
            continue
        if headers is None:
            headers = [cell.strip() for cell in row]
            columns = _columns(headers)
            missing = _missing_columns(columns)
            if missing:
                result.read += 1  # the file, unreadable without its columns
                result.quarantine.append(
                    Quarantined(CHANNEL, rel, None, missing, excerpt(",".join(row)))
                )
                return
            continue
        result.read += 1
        # Cells of the name and contact columns are left out of an excerpt: a name cell has no
        # context for masking to recognise it by (a romanised name, say).
        raw = ",".join(
            "［個人情報］" if headers[i : i + 1] and _is_personal(headers[i], columns) else cell
            for i, cell in enumerate(row)
        )
        undecoded = sorted(n for n in export.bad_lines if start <= n <= reader.line_num)
        if undecoded:
            reason = f"row is not valid {export.encoding} text (line {undecoded[0]})"
            result.quarantine.append(Quarantined(CHANNEL, rel, start, reason, excerpt(raw)))
            continue
        # Spreadsheet tools pad rows with empty trailing cells; only real extra data is an error.
        if len(row) > len(headers) and not any(cell.strip() for cell in row[len(headers) :]):
            row = row[: len(headers)]
        if len(row) != len(headers):
            reason = f"expected {len(headers)} columns, found {len(row)}"
            result.quarantine.append(Quarantined(CHANNEL, rel, start, reason, excerpt(raw)))
            continue
        _add_submission(dict(zip(headers, row, strict=True)), columns, rel, start, raw, result)


PERSONAL_ROLES = ("name", "email", "phone", "customer_id")


def _is_personal(header: str, columns: Mapping[str, str]) -> bool:
    return any(columns.get(role) == header for role in PERSONAL_ROLES)


def _read_json(text: str, rel: str, result: ReadResult) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        result.read += 1
        reason = f"broken JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        result.quarantine.append(Quarantined(CHANNEL, rel, None, reason, excerpt(text)))
        return
    if isinstance(document, dict) and isinstance(document.get("submissions"), list):
        document = document["submissions"]
    if not isinstance(document, list):
        result.read += 1
        reason = 'expected a JSON list of submissions or {"submissions": [...]}'
        result.quarantine.append(Quarantined(CHANNEL, rel, None, reason, excerpt(text)))
        return
    # source_line is the submission's 1-based position in the list.
    result.read += len(document)
    for number, record in enumerate(document, start=1):
        raw = json.dumps(record, ensure_ascii=False)
        if not isinstance(record, dict):
            reason = f"expected a JSON object, got {type(record).__name__}"
            result.quarantine.append(Quarantined(CHANNEL, rel, number, reason, excerpt(raw)))
            continue
        columns = _columns(list(record))
        missing = _missing_columns(columns)
        if missing:
            reason = missing.replace("column", "field", 1)
            result.quarantine.append(Quarantined(CHANNEL, rel, number, reason, excerpt(raw)))
            continue
        _add_submission(record, columns, rel, number, raw, result)


def _add_submission(
    record: Mapping[str, object],
    columns: Mapping[str, str],
    rel: str,
    line: int,
    raw: str,
    result: ReadResult,
) -> None:
    try:
        result.feedback.append(_submission(record, columns, rel, line))
    except BadRecord as bad:
        result.quarantine.append(Quarantined(CHANNEL, rel, line, str(bad), excerpt(raw)))


def _submission(
    record: Mapping[str, object], columns: Mapping[str, str], rel: str, line: int
) -> Feedback:
    def text(role: str, *, required: bool = False) -> str | None:
        return text_field(record, columns[role], required=required) if role in columns else None

    submitted_at = time_field(record, columns["submitted_at"], required=True)
    body = text("body")
    if body is None:
        raise BadRecord(f"empty text in '{columns['body']}'")
    responded_at = (
        time_field(record, columns["responded_at"]) if "responded_at" in columns else None
    )
    source_key = text("submission_id") or _row_key(record, columns)
    return Feedback(
        feedback_id=stable_id(CHANNEL, source_key),
        channel=CHANNEL,
        source_key=source_key,
        source_file=rel,
        source_line=line,
        created_at=submitted_at,
        text=body,
        product=text("product"),
        customer_id=text("customer_id"),
        author=text("name"),
        subject=text("subject"),
        first_response_at=responded_at,
        attributes={role: value for role in ATTRIBUTES if (value := text(role)) is not None},
        contacts=contact("email", text("email")) + contact("phone", text("phone")),
    )


def _row_key(record: Mapping[str, object], columns: Mapping[str, str]) -> str:
    """A key for exports without submission ids: the same row always hashes the same."""
    values = sorted(f"{role}={record.get(header)}" for role, header in columns.items())
    return "row-" + stable_id(*values)
