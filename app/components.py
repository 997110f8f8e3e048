"""Reusable page pieces: widgets several pages draw the same way (UI only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from app import data


def csv_download(
    frame: pd.DataFrame,
    stem: str,
    period: tuple[date, date] | None = None,
    label: str = "CSVをダウンロード",
    key: str | None = None,
) -> None:
    """A button that downloads `frame` as `koe_<stem>[_<start>-<end>].csv`, readable in Excel.

    Draws where it is called: inside `with column:` it lands in that column. The CSV is written
    when the button is clicked, not on every run of the page: a large table's CSV takes longer
    than drawing the page.
    """
    download(label, lambda: _csv_bytes(frame), _csv_name(stem, period), "text/csv", key)


def download(
    label: str,
    payload: bytes | Callable[[], bytes],
    file_name: str,
    mime: str,
    key: str | None,
) -> None:
    """A download button whose every file made is recorded in the audit log (who, what, when);
    `payload` may be a function that makes the file when the button is clicked."""
    # The file is made outside the page's run, where the session (and its viewer) is out of
    # reach: the viewer is taken now. The export is audited when the file is made, and the click
    # does not rerun the page: a rerun racing the file's request could replace the button and
    # drop the file's id, leaving the click without a download.
    exporter = data.viewer()

    def make() -> bytes:
        body = payload() if callable(payload) else payload
        data.record_export(file_name, None, exporter)
        return body

    st.download_button(label, make, file_name=file_name, mime=mime, key=key, on_click="ignore")


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for download; the BOM makes Excel read the Japanese text as UTF-8."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def _csv_name(stem: str, period: tuple[date, date] | None = None) -> str:
    if period is None:
        return f"koe_{stem}.csv"
    return f"koe_{stem}_{period[0]:%Y%m%d}-{period[1]:%Y%m%d}.csv"
