"""One customer written many ways is one pseudonym; two customers are two."""

from __future__ import annotations

import pytest

from nlp.contacts import identity
from nlp.masking import customer_key

ONE_PHONE = [
    "090-1234-5678",
    "09012345678",
    "090 1234 5678",
    "+81 90-1234-5678",
    "+81(0)90 1234 5678",
    "+819012345678",
    "0081-90-1234-5678",
    "０９０－１２３４－５６７８",
    "090ー1234ー5678",
    "(090)1234-5678",
    " 090.1234.5678 ",
]
ONE_EMAIL = [
    "taro.yamada12@example.jp",
    "Taro.Yamada12@Example.JP",
    " TARO.YAMADA12@EXAMPLE.JP ",
    "ｔａｒｏ．ｙａｍａｄａ１２＠ｅｘａｍｐｌｅ．ｊｐ",
    "山田 太郎 <taro.yamada12@example.jp>",
    "mailto:taro.yamada12@example.jp",
]
ONE_CUSTOMER_ID = ["C-00012", "c-00012", "C00012", "Ｃ－０００１２", "C 00012", "c_00012"]
ONE_HANDLE = ["@neko_sora12", "neko_sora12", "@Neko_Sora12", "＠ｎｅｋｏ＿ｓｏｒａ１２"]


@pytest.mark.parametrize(
    ("kind", "spellings"),
    [("phone", ONE_PHONE), ("email", ONE_EMAIL), ("customer_id", ONE_CUSTOMER_ID),
     ("handle", ONE_HANDLE)],
)  # fmt: skip
def test_every_spelling_of_one_identifier_is_one_pseudonym(kind, spellings):
    keys = {customer_key(kind, value) for value in spellings}
    assert len(keys) == 1
    [key] = keys
    assert key.startswith("customer-") and len(key) == len("customer-") + 12


@pytest.mark.parametrize(
    ("kind", "one", "other"),
    [
        ("phone", "090-1234-5678", "090-1234-5679"),
        ("phone", "03-1234-5678", "06-1234-5678"),
        ("email", "taro.yamada12@example.jp", "taro.yamada13@example.jp"),
        ("email", "taro@example.jp", "taro@example.co.jp"),
        ("customer_id", "C-00012", "C-00021"),
        ("customer_id", "C-00012", "D-00012"),
        ("handle", "@neko_sora12", "@neko_sora120"),
    ],
)
def test_different_people_get_different_pseudonyms(kind, one, other):
    assert customer_key(kind, one) != customer_key(kind, other)


def test_a_customer_id_that_is_a_phone_or_address_links_with_that_phone_or_address():
    assert customer_key("customer_id", "090-1234-5678") == customer_key("phone", "+81 90 1234 5678")
    assert customer_key("customer_id", "Taro@Example.jp") == customer_key(
        "email", "taro@example.jp"
    )


def test_the_same_digits_as_a_phone_and_as_a_handle_are_different_identifiers():
    assert customer_key("handle", "09012345678") != customer_key("phone", "09012345678")


@pytest.mark.parametrize(
    ("kind", "value"),
    [("phone", "000-0000-0000"), ("phone", "1234"), ("phone", "電話なし"), ("email", "なし"),
     ("email", "taro@"), ("customer_id", " - "), ("handle", "@"), ("phone", None)],
)  # fmt: skip
def test_a_value_that_identifies_nobody_gives_no_key(kind, value):
    assert customer_key(kind, value) is None


def test_a_pseudonym_is_kept_as_it_is():
    key = customer_key("phone", "090-1234-5678")
    assert customer_key("phone", key) == key


def test_identity_names_the_kind_and_the_normal_form_and_holds_no_key():
    assert identity("phone", "+81 90-1234-5678") == "phone:09012345678"
    assert identity("email", "Taro <TARO@example.JP>") == "email:taro@example.jp"
    assert identity("customer_id", "ｃ－００１２") == "customer_id:C0012"
    assert identity("handle", "@Neko") == "handle:neko"
    with pytest.raises(ValueError, match="unknown contact kind"):
        identity("name", "山田")


def test_the_key_depends_on_the_secret(monkeypatch):
    from koe.settings import reload

    before = customer_key("phone", "090-1234-5678")
    monkeypatch.setenv("KOE_PSEUDONYM_KEY", "another-secret")
    reload()
    try:
        assert customer_key("phone", "090-1234-5678") != before
    finally:
        monkeypatch.undo()
        reload()
