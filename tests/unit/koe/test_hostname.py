"""The hostname Airflow records: a named worker's name, else the machine's."""

from __future__ import annotations

import socket

from koe.hostname import hostname
from koe.settings import reload


def test_a_named_worker_reports_its_name(monkeypatch):
    monkeypatch.setenv("KOE_WORKER_NAME", "koe-worker-2")
    reload()
    assert hostname() == "koe-worker-2"


def test_without_a_name_the_machine_name_is_used(monkeypatch):
    monkeypatch.delenv("KOE_WORKER_NAME", raising=False)
    reload()
    assert hostname() == socket.getfqdn()
