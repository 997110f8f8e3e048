"""Voices sharing any identifier are one customer, transitively; nothing else links them."""

from __future__ import annotations

from nlp.linking import link_customers, linked_pairs


def test_a_call_a_form_and_a_mail_chained_by_phone_then_address_are_one_customer():
    customers = link_customers(
        [
            ("call", ["customer-phone"]),
            ("form", ["customer-phone", "customer-mail"]),
            ("mail", ["customer-mail"]),
            ("post", ["customer-handle"]),
        ]
    )
    assert customers["call"] == customers["form"] == customers["mail"] == "customer-mail"
    assert customers["post"] == "customer-handle"


def test_voices_without_identifiers_are_left_out_and_the_key_is_order_free():
    voices = [("a", ["k3", "k1"]), ("b", []), ("c", ["k2"]), ("d", ["k2", "k3"])]
    forward, backward = link_customers(voices), link_customers(voices[::-1])
    assert forward == backward == {"a": "k1", "c": "k1", "d": "k1"}


def test_linked_pairs_are_every_pair_within_a_customer():
    pairs = linked_pairs({"a": "k1", "b": "k1", "c": "k1", "d": "k2"})
    assert pairs == {("a", "b"), ("a", "c"), ("b", "c")}
