"""The host name Airflow records on each task instance (``[core] hostname_callable``).

Every worker of the cluster demo runs on this one machine, so the machine's name cannot tell
them apart: a worker started with ``KOE_WORKER_NAME`` reports that name, anything else its FQDN.
"""

from __future__ import annotations

import socket

from koe.settings import settings


def hostname() -> str:
    """``KOE_WORKER_NAME`` when this process runs as a named worker, else the machine's FQDN."""
    return settings().worker_name or socket.getfqdn()
