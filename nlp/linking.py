"""Which voices come from one customer: voices that share any identifier pseudonym are linked,
and links are transitive (a call and a form share a phone, the form and a mail an address).

Union-find over the pseudonyms masking made (``customer-…``); pure Python, no key needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def link_customers(voices: Iterable[tuple[str, Sequence[str]]]) -> dict[str, str]:
    """feedback_id → customer key, for every voice with at least one identifier.

    ``voices`` holds (feedback_id, the pseudonyms it carries). A customer's key is the smallest
    pseudonym among all the identifiers linked to it, so it stays the same whatever the order of
    the input, and changes only when a new voice joins two customers into one.
    """
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        top = key
        while parent[top] != top:
            top = parent[top]
        while parent[key] != top:  # path compression keeps later look-ups short
            parent[key], key = top, parent[key]
        return top

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:  # the smaller pseudonym stays the root: the customer key is deterministic
            parent[max(ra, rb)] = min(ra, rb)

    keyed: list[tuple[str, str]] = []
    for feedback_id, keys in voices:
        present = [k for k in keys if k]
        if not present:
            continue
        for key in present:
            parent.setdefault(key, key)
        for key in present[1:]:
            join(present[0], key)
        keyed.append((feedback_id, present[0]))
    return {feedback_id: root(key) for feedback_id, key in keyed}


def linked_pairs(customers: dict[str, str]) -> set[tuple[str, str]]:
    """Every unordered pair of voices with the same customer, as (smaller id, larger id)."""
    groups: dict[str, list[str]] = {}
    for feedback_id, customer in customers.items():
        groups.setdefault(customer, []).append(feedback_id)
    pairs: set[tuple[str, str]] = set()
    for members in groups.values():
        members.sort()
        for i, first in enumerate(members):
            pairs.update((first, second) for second in members[i + 1 :])
    return pairs
