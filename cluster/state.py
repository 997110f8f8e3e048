"""The cluster's state directory: where each service keeps its data, logs and pid files, and the
ports and secrets chosen when the stack was first started (kept, so a restart finds them again)."""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

PORTS = ("postgres", "redis", "api")


@dataclass(frozen=True)
class Config:
    """Ports and secrets of one stack; created once per state directory."""

    ports: dict[str, int]
    postgres_password: str
    redis_password: str
    airflow_password: str  # the `koe` user of Airflow's UI and REST API
    jwt_secret: str  # signs the tokens the api-server gives tasks; shared by every component
    api_secret_key: str


@dataclass(frozen=True)
class StateDir:
    """Paths inside the state directory ``root``."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / "config.json"

    @property
    def run(self) -> Path:
        """One ``<process>.pid`` per process the launcher started."""
        return self.root / "run"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def pgdata(self) -> Path:
        return self.root / "postgres"

    @property
    def redis(self) -> Path:
        return self.root / "redis"

    @property
    def airflow_home(self) -> Path:
        return self.root / "airflow"

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def prepare(self) -> None:
        for path in (self.root, self.run, self.logs, self.redis, self.airflow_home):
            path.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)  # PostgreSQL, run as its own user under root, reaches its data

    def config(self) -> Config:
        """The stack's ports and secrets, chosen and saved (mode 0600) on first use."""
        if self.config_file.exists():
            return Config(**json.loads(self.config_file.read_text()))
        config = Config(
            ports={name: free_port() for name in PORTS},
            postgres_password=secrets.token_urlsafe(24),
            redis_password=secrets.token_urlsafe(24),
            airflow_password=secrets.token_urlsafe(12),
            jwt_secret=secrets.token_urlsafe(32),
            api_secret_key=secrets.token_urlsafe(32),
        )
        self.root.mkdir(parents=True, exist_ok=True)
        # Secrets: readable by this user only, from the moment the file exists.
        fd = os.open(self.config_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(config.__dict__, out, indent=2)
        return config


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 now (the kernel's choice, never a default one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
