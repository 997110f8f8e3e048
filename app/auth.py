"""Who is using the dashboard, and what they may see and do.

- **Login** is OpenID Connect through Streamlit's ``st.login``, configured in the ``[auth]``
  section of ``.streamlit/secrets.toml`` (see the README). The ID token's ``koe_roles`` claim
  (``$KOE_ROLE_CLAIM``) lists the user's roles, codes of ``koe.vocabulary.ROLES``; a product
  team's user also carries ``koe_team`` (``$KOE_TEAM_CLAIM``), a team of the product-team
  mapping the weekly reports use (``$KOE_PRODUCT_TEAMS``; without one, each product is a team).
- **Roles**: 経営 sees the executive page; 品質 every page except administration; 製品チーム
  its own products' issues, voices and reports, filtered in the queries (``warehouse.scope``);
  運用 the quarantine, the alert delivery state and the audit log; ナレッジ管理 (the owner of
  the FAQ the desk answers from) the recurring questions, every product's.
- **Development mode** (``KOE_DEV_NO_LOGIN=1``, set by ``make demo``) skips the login and gives
  every role, and is refused unless the server listens on loopback only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import streamlit as st

from koe.settings import settings
from koe.vocabulary import ROLES
from warehouse.queries import ProductScope

# The views (modules of app/views/) a role opens. Administration is 運用's alone.
PAGES = {
    "executive": frozenset({"executive"}),
    "quality": frozenset(
        {
            "executive",
            "alerts",
            "incidents",
            "trends",
            "concordance",
            "cases",
            "issue_detail",
            "reports",
            "agent_qa",
            "faq",
        }
    ),  # fmt: skip
    "product": frozenset({"trends", "concordance", "cases", "issue_detail", "reports"}),
    "operations": frozenset({"quarantine", "operations"}),
    "knowledge": frozenset({"faq"}),
}
# Roles that read every product's rows; a user with none of them reads through a product scope.
_ALL_PRODUCTS = frozenset({"executive", "quality", "operations", "knowledge"})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
DEV_IDENTITY = "開発モード（ログインなし）"


@dataclass(frozen=True)
class Viewer:
    """The person using this session: who (for the audit log), their roles, and their team."""

    identity: str
    roles: frozenset[str]
    team: str | None = None
    dev: bool = False

    @property
    def pages(self) -> frozenset[str]:
        return frozenset().union(*(PAGES[role] for role in self.roles))

    @property
    def role_names(self) -> str:
        """The roles in Japanese, for the sidebar and the audit log."""
        return "・".join(ROLES[role] for role in ROLES if role in self.roles)

    @property
    def edits_issues(self) -> bool:
        """The issue catalogue is shared by everyone: its quality analysts shape it."""
        return "quality" in self.roles

    @property
    def product_scoped(self) -> bool:
        return not (self.roles & _ALL_PRODUCTS)

    def scope(self, products: Iterable[str], mapping_teams) -> ProductScope | None:
        """The rows this viewer may read: None for all, else its team's products.

        ``mapping_teams`` is ``koe.teams.product_teams`` over the snapshot's products.
        A product-team user without a known team gets a scope with no products: nothing.
        """
        if not self.product_scoped:
            return None
        owned = next((team.products for team in mapping_teams if team.name == self.team), ())
        return ProductScope(
            team=self.team or "", products=tuple(sorted(set(owned) & set(products)))
        )


def roles_from_claims(claims: dict) -> frozenset[str]:
    """The known roles in the role claim: a list, or a string of codes separated by spaces or
    commas (identity providers write both)."""
    value = claims.get(settings().role_claim)
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple):
        return frozenset()
    return frozenset(str(role) for role in value) & frozenset(ROLES)


def current_viewer() -> Viewer | None:
    """The session's viewer; None after rendering the login (or an explanation) instead."""
    if settings().dev_no_login:
        address = st.get_option("server.address")
        if address not in LOOPBACK:
            st.error(
                "開発モード（KOE_DEV_NO_LOGIN=1）はループバック（127.0.0.1）でのみ使えます。"
                f"server.address が {address or '未設定（全インターフェース）'} です。"
            )
            return None
        return Viewer(DEV_IDENTITY, frozenset(ROLES), dev=True)
    if "auth" not in st.secrets:
        st.error(
            "ログインが設定されていません。.streamlit/secrets.toml の [auth] に OpenID Connect の"
            "設定を書くか、開発用に KOE_DEV_NO_LOGIN=1 で起動してください（README 参照）。"
        )
        return None
    if not st.user.is_logged_in:
        st.title("koe 声 — お客様の声ダッシュボード")
        st.write("社内アカウントでログインしてください。")
        if st.button("ログイン", type="primary"):
            st.login()
        return None
    claims = st.user.to_dict()
    identity = str(claims.get("email") or claims.get("sub") or "")
    roles = roles_from_claims(claims)
    if not identity or not roles:
        st.warning(
            "このアカウントには koe を使う権限（ロール）がありません。管理者に連絡してください。"
        )
        st.button("ログアウト", on_click=st.logout)
        return None
    team = claims.get(settings().team_claim)
    return Viewer(identity, roles, team=str(team) if team else None)
