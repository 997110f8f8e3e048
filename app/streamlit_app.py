"""koe dashboard entry point: routes between the pages and explains what to do when no
warehouse snapshot has been published yet. Run with `make app`.

The page modules live in `app/views/`, not `app/pages/`: Streamlit still treats a `pages/`
folder beside the entry point as old-style pages, and a fresh server then runs a deep link
such as `/quarantine` as that file on its own, bypassing this router.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run app/streamlit_app.py` puts app/ on sys.path, not the repository root that
# holds the `app` and `warehouse` packages.
_REPO = str(Path(__file__).resolve().parents[1])
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

import duckdb  # noqa: E402
import streamlit as st  # noqa: E402

from app import data, filters, labels  # noqa: E402
from app.views import (  # noqa: E402
    agent_qa,
    alerts,
    cases,
    concordance,
    executive,
    issue_detail,
    quarantine,
    reports,
    trends,
)
from warehouse import queries  # noqa: E402

EMPTY_STATE_TITLE = "まだ表示できるデータがありません"


def main() -> None:
    st.set_page_config(page_title="koe 声 — お客様の声ダッシュボード", page_icon="🗣️", layout="wide")
    if data.snapshot_version() is None:
        st.navigation([st.Page(empty_state, title="はじめに", url_path="welcome")]).run()
        return

    page = st.navigation(
        [
            executive.page(),
            alerts.page(),
            trends.page(),
            concordance.page(),
            cases.page(),
            issue_detail.page(),
            reports.page(),
            agent_qa.page(),
            quarantine.page(),
        ]
    )
    with st.sidebar:
        st.markdown("### koe 声")
    try:
        filters.render_period()
        page.run()
    except (duckdb.Error, FileNotFoundError) as error:
        # A snapshot from an older or broken pipeline run: explain, don't print a traceback.
        st.error(
            "ウェアハウスのスナップショットを読み込めませんでした。"
            "`make pipeline` をもう一度実行して、スナップショットを作り直してください。"
        )
        st.caption(
            labels.markdown_text(f"{queries.snapshot_file()}: {type(error).__name__}: {error}")
        )


def empty_state() -> None:
    st.title("koe 声 — お客様の声ダッシュボード")
    st.warning(EMPTY_STATE_TITLE)
    st.markdown(
        "パイプラインがまだウェアハウスのスナップショットを公開していません。"
        "リポジトリのルートで次のコマンドを実行してください。\n\n"
        "```bash\nmake pipeline\n```\n\n"
        "サンプルデータの生成 → 取り込み → 分析 → 集計（marts）まで実行され、"
        "完了するとスナップショットが公開されます。このページを再読み込みすると表示されます。"
    )
    st.caption(f"探したスナップショット: `{queries.snapshot_file()}`")


main()
