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

from app import auth, data, filters, labels  # noqa: E402
from app.views import (  # noqa: E402
    agent_qa,
    alerts,
    cases,
    concordance,
    executive,
    faq,
    incidents,
    issue_detail,
    operations,
    quarantine,
    reports,
    trends,
)
from warehouse import queries  # noqa: E402

EMPTY_STATE_TITLE = "まだ表示できるデータがありません"


def main() -> None:
    st.set_page_config(page_title="koe 声 — お客様の声ダッシュボード", page_icon="🗣️", layout="wide")
    viewer = auth.current_viewer()
    if viewer is None:  # the login, or why there is none, is on the screen
        return
    data.use_viewer(viewer)
    if data.snapshot_version() is None:
        st.navigation([st.Page(empty_state, title="はじめに", url_path="welcome")]).run()
        return

    # Only the pages of the viewer's roles exist in this session: another page's URL falls back
    # to the first allowed page, and a product team's queries read its own rows only.
    views = (
        executive,
        alerts,
        incidents,
        trends,
        concordance,
        cases,
        issue_detail,
        reports,
        agent_qa,
        faq,
        quarantine,
        operations,
    )
    page = st.navigation(
        [view.page() for view in views if view.__name__.rsplit(".", 1)[-1] in viewer.pages]
    )
    with st.sidebar:
        st.markdown("### koe 声")
        st.caption(labels.markdown_text(f"{viewer.identity}（{viewer.role_names}）"))
        if viewer.dev:
            st.caption("開発モード: ログインなし・127.0.0.1 のみ")
        else:
            st.button("ログアウト", on_click=st.logout, key="logout")
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
