"""Debian's PostgreSQL (Airflow's metadata, Celery's results) and Redis (the Celery broker), each
with its data under the state directory, listening on 127.0.0.1 only, with a password.

PostgreSQL refuses to run as root: under root (CI) its programs run as the ``postgres`` user the
Debian package creates, and its data directory belongs to that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

from cluster import processes
from cluster.state import Config, StateDir

POSTGRES_USER = "koe"  # the superuser initdb creates; Airflow connects as it
AIRFLOW_DATABASE = "airflow"


def postgres_bin(program: str, root: Path = Path("/usr/lib/postgresql")) -> Path:
    """``program`` of the newest PostgreSQL server installed under ``root`` (Debian's layout)."""
    found = sorted(
        root.glob(f"*/bin/{program}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not found:
        raise FileNotFoundError(
            f"no PostgreSQL server ({program}) under /usr/lib/postgresql: "
            "apt-get install postgresql (make cluster-demo does)"
        )
    return found[-1]


def _server_user() -> pwd.struct_passwd | None:
    """The user PostgreSQL runs as under root; None when we are not root (it runs as us)."""
    if os.geteuid() != 0:
        return None
    return pwd.getpwnam("postgres")


def _as_server_user(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    user = _server_user()
    if user is not None:
        kwargs.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs)


def _check_reachable(path: Path, user: pwd.struct_passwd) -> None:
    """PostgreSQL, running as ``user``, must be able to walk down to ``path``."""
    for folder in [*reversed(path.parents), path]:
        mode = folder.stat()
        if mode.st_uid == user.pw_uid:
            bit = stat.S_IXUSR
        elif mode.st_gid == user.pw_gid:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not mode.st_mode & bit:
            raise PermissionError(
                f"{folder} is closed to the '{user.pw_name}' user PostgreSQL runs as under root; "
                "choose a state directory it can reach (python -m cluster --state DIR)"
            )


def start_postgres(state: StateDir, config: Config) -> None:
    """Create the database cluster on first use, start it, create Airflow's database."""
    user = _server_user()
    if user is not None:
        _check_reachable(state.root, user)
    log = state.log("postgres")
    log.touch()
    if user is not None:
        os.chown(log, user.pw_uid, user.pw_gid)
    if not (state.pgdata / "PG_VERSION").exists():
        _initdb(state, config, user)
    if processes.running(state.run, "postgres") is None:
        port = config.ports["postgres"]
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories=''"
        _as_server_user(
            [
                str(postgres_bin("pg_ctl")),
                "start",
                "--wait",
                "--timeout=60",
                "-D",
                str(state.pgdata),
                "-l",
                str(log),
                "-o",
                options,
            ]
        )
        postmaster = int((state.pgdata / "postmaster.pid").read_text().split()[0])
        processes.record(state.run, "postgres", postmaster)
    _create_database(config)


def _initdb(state: StateDir, config: Config, user: pwd.struct_passwd | None) -> None:
    shutil.rmtree(state.pgdata, ignore_errors=True)  # a half-made cluster from a failed start
    state.pgdata.mkdir(mode=0o700)
    password_file = state.root / ".pgpass-init"
    password_file.write_text(config.postgres_password + "\n")
    password_file.chmod(0o600)
    if user is not None:
        for path in (state.pgdata, password_file):
            os.chown(path, user.pw_uid, user.pw_gid)
    try:
        _as_server_user(
            [
                str(postgres_bin("initdb")),
                "-D",
                str(state.pgdata),
                f"--username={POSTGRES_USER}",
                f"--pwfile={password_file}",
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
            ]
        )
    finally:
        password_file.unlink(missing_ok=True)


def _create_database(config: Config) -> None:
    import psycopg2

    connection = psycopg2.connect(
        host="127.0.0.1",
        port=config.ports["postgres"],
        user=POSTGRES_USER,
        password=config.postgres_password,
        dbname="postgres",
    )
    try:
        connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (AIRFLOW_DATABASE,))
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {AIRFLOW_DATABASE}")
    finally:
        connection.close()


def postgres_url(config: Config, driver: str = "postgresql+psycopg2") -> str:
    return (
        f"{driver}://{POSTGRES_USER}:{config.postgres_password}"
        f"@127.0.0.1:{config.ports['postgres']}/{AIRFLOW_DATABASE}"
    )


def stop_postgres(state: StateDir) -> bool:
    """Stop the PostgreSQL this state directory started (pg_ctl reads its postmaster.pid)."""
    if processes.running(state.run, "postgres") is None:
        (state.run / "postgres.pid").unlink(missing_ok=True)
        return False
    _as_server_user(
        [str(postgres_bin("pg_ctl")), "stop", "--wait", "-m", "fast", "-D", str(state.pgdata)]
    )
    (state.run / "postgres.pid").unlink(missing_ok=True)
    return True


def start_redis(state: StateDir, config: Config) -> None:
    """Redis with a password and no persistence: the broker holds only messages in flight."""
    if processes.running(state.run, "redis") is not None:
        return
    conf = state.redis / "redis.conf"
    # The password goes in a file of our own, not on the command line where ps shows it.
    fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(
            f"bind 127.0.0.1\nport {config.ports['redis']}\nprotected-mode yes\n"
            f'requirepass "{config.redis_password}"\ndir {state.redis}\n'
            'save ""\nappendonly no\ndaemonize no\n'
        )
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(server).exists():
        raise FileNotFoundError(
            "no redis-server: apt-get install redis-server (make cluster-demo does)"
        )
    processes.start(
        "redis", [server, str(conf)], run_dir=state.run, log=state.log("redis"), env=os.environ
    )
    processes.wait_until(
        lambda: _redis_answers(config), "Redis to answer PING", timeout=30, interval=0.2
    )


def _redis_answers(config: Config) -> bool:
    import redis

    try:
        client = redis.Redis(
            host="127.0.0.1", port=config.ports["redis"], password=config.redis_password
        )
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False


def redis_url(config: Config) -> str:
    return f"redis://:{config.redis_password}@127.0.0.1:{config.ports['redis']}/0"
