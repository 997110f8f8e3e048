"""PostgreSQL under root runs as its own user: the launcher checks it can reach its data first."""

from __future__ import annotations

import pwd
import shutil
import tempfile
from pathlib import Path

import pytest

from cluster import services

# A user that owns nothing here: only the "others" permission bits apply to it.
STRANGER = pwd.struct_passwd(("stranger", "x", 54321, 54321, "", "/", "/bin/false"))


@pytest.fixture
def open_base():
    """A folder under /tmp, whose parents every user may pass (pytest's own root is 0700)."""
    base = Path(tempfile.mkdtemp(prefix="koe-cluster-unit-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def test_a_folder_closed_to_others_is_named(open_base):
    closed = open_base / "closed"
    state = closed / "state"
    state.mkdir(parents=True)
    closed.chmod(0o700)
    with pytest.raises(PermissionError, match=f"{closed} is closed to the 'stranger' user"):
        services._check_reachable(state, STRANGER)


def test_an_open_path_passes(open_base):
    state = open_base / "open" / "state"
    state.mkdir(parents=True, mode=0o755)
    (open_base / "open").chmod(0o755)
    services._check_reachable(state, STRANGER)


def test_the_newest_installed_server_is_used(tmp_path):
    for version in ("9", "15", "13"):
        (tmp_path / version / "bin").mkdir(parents=True)
        (tmp_path / version / "bin" / "initdb").touch()
    assert services.postgres_bin("initdb", root=tmp_path) == tmp_path / "15" / "bin" / "initdb"


def test_a_missing_server_says_how_to_install_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install postgresql"):
        services.postgres_bin("initdb", root=tmp_path)
