"""A small client of Airflow's REST API (``/api/v2``) on the local api-server: log in, wait for the
DAGs to be parsed, create the warehouse pool, trigger a DAG run and wait for it to finish."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

FINISHED = {"success", "failed"}


class ApiError(RuntimeError):
    """The api-server answered with an error status; the message holds the method, path and body."""

    def __init__(self, method: str, path: str, status: int, body: str):
        super().__init__(f"{method} {path}: HTTP {status}: {body[:500]}")
        self.status = status


@dataclass
class Airflow:
    """The api-server at ``base`` (``http://127.0.0.1:PORT``), logged in as ``user``."""

    base: str
    user: str
    password: str
    token: str | None = None

    def healthy(self) -> bool:
        try:
            health = self._request("GET", "/api/v2/monitor/health", auth=False)
        except (OSError, ApiError):
            return False
        return health.get("metadatabase", {}).get("status") == "healthy"

    def login(self) -> None:
        answer = self._request(
            "POST", "/auth/token", {"username": self.user, "password": self.password}, auth=False
        )
        self.token = answer["access_token"]

    def dag_parsed(self, dag_id: str, since: datetime) -> bool:
        """Whether the dag-processor has parsed ``dag_id`` at ``since`` or later (a restarted
        stack must not run the DAG as an earlier parse left it)."""
        try:
            parsed = self.get(f"/api/v2/dags/{dag_id}").get("last_parsed_time")
        except ApiError as error:
            if error.status == 404:
                return False
            raise
        return parsed is not None and datetime.fromisoformat(parsed) >= since

    def set_pool(self, name: str, slots: int, description: str) -> None:
        """Create pool ``name`` with ``slots`` slots, or give an existing one that many."""
        body = {"name": name, "slots": slots, "description": description, "include_deferred": False}
        try:
            self._request("POST", "/api/v2/pools", body)
        except ApiError as error:
            if error.status != 409:
                raise
            self._request("PATCH", f"/api/v2/pools/{name}", body)

    def trigger(self, dag_id: str) -> str:
        """Start a manual run of ``dag_id`` now; returns its run id."""
        run = self._request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})
        return run["dag_run_id"]

    def wait(self, dag_id: str, run_id: str, timeout: float, interval: float = 3) -> dict:
        """Poll the run until it succeeds or fails; returns the run."""
        deadline = time.monotonic() + timeout
        while True:
            run = self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
            if run["state"] in FINISHED:
                return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"{dag_id} run {run_id} still {run['state']} after {timeout} s")
            time.sleep(interval)

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        """Every task instance of the run, mapped ones one per map index."""
        found, offset = [], 0
        while True:
            page = self.get(
                f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=100&offset={offset}"
            )
            found.extend(page["task_instances"])
            offset += len(page["task_instances"])
            if not page["task_instances"] or offset >= page["total_entries"]:
                return found

    def get(self, path: str) -> dict:
        return self._request("GET", path)

    def _request(self, method: str, path: str, body: dict | None = None, auth: bool = True):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            if self.token is None:
                self.login()
            headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise ApiError(
                method, path, error.code, error.read().decode(errors="replace")
            ) from None
