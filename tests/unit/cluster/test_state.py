"""The state directory keeps the stack's ports and secrets between starts, readable by us only."""

from __future__ import annotations

import stat

from cluster.state import PORTS, StateDir


def test_the_config_is_chosen_once_and_kept(tmp_path):
    state = StateDir(tmp_path / "state")
    first = state.config()
    assert state.config() == first
    assert set(first.ports) == set(PORTS)
    assert len(set(first.ports.values())) == len(PORTS)
    assert all(port > 1024 for port in first.ports.values())


def test_the_secrets_file_is_private(tmp_path):
    state = StateDir(tmp_path / "state")
    state.config()
    assert stat.S_IMODE(state.config_file.stat().st_mode) == 0o600


def test_two_state_directories_get_their_own_secrets(tmp_path):
    one, two = StateDir(tmp_path / "one").config(), StateDir(tmp_path / "two").config()
    assert one.postgres_password != two.postgres_password
    assert one.jwt_secret != two.jwt_secret
