"""The production process layout without Docker: one `trafficdash serve`, two `trafficdash worker`
and one `trafficdash scheduler` process on the session's real PostgreSQL and Redis, with the
sandbox (over real HTTP) as Meta. What docker-compose runs, minus the containers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from rq_scheduler import Scheduler
from sqlalchemy import select

from tests.sandbox.conftest import clean_faults, sandbox_server  # noqa: F401
from tests.sync.conftest import account_ids, waits, world  # noqa: F401
from trafficdash import db
from trafficdash.auth.api_tokens import create_token
from trafficdash.jobs import enqueue
from trafficdash.jobs.queues import connection
from trafficdash.jobs.schedules import sync_job_id
from trafficdash.models import AdAccountAccess, SyncRun, SyncStatus, User
from trafficdash.sync import lock as sync_lock

pytestmark = pytest.mark.slow

CLI = str(Path(sys.executable).parent / "trafficdash")
FINISHED = {SyncStatus.SUCCEEDED.value, SyncStatus.FAILED.value, SyncStatus.ABANDONED.value}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _process_env() -> dict[str, str]:
    """The test's settings (database, Redis, sandbox URL), minus pytest's markers: NiceGUI would
    otherwise believe it runs inside a test and ignore the port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_"))}
    return {**env, "TRAFFICDASH_LOG_LEVEL": "INFO"}  # access lines too: the log checks read them


class Processes:
    """Started processes, each logging to its own file (shown when an assertion fails)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            [CLI, *args],
            cwd=self.workdir,
            env=_process_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the worker's work horse dies with it
        )
        self.procs[name] = proc
        return proc

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)  # no warm shutdown: a crash, as after an OOM kill
        proc.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} (exit {proc.poll()}) ---\n{(self.workdir / f'{name}.log').read_text(errors='replace')[-3000:]}"
            for name, proc in self.procs.items()
        )

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@pytest.fixture
def layout(world, services, tmp_path: Path) -> Iterator[tuple[Processes, str]]:  # noqa: F811
    if not (services.postgres and services.real_redis):
        pytest.skip("the process layout needs the real PostgreSQL and Redis servers (CI has them)")
    port = _free_port()
    processes = Processes(tmp_path)
    processes.start("web", "serve", "--host", "127.0.0.1", "--port", str(port))
    processes.start("worker-1", "worker")
    processes.start("worker-2", "worker")
    processes.start("scheduler", "scheduler", "--interval", "1")
    try:
        yield processes, f"http://127.0.0.1:{port}"
    finally:
        processes.stop()


def _wait(what: str, check: Callable[[], Any], processes: Processes, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        for name, proc in processes.procs.items():
            if proc.poll() is not None and not name.startswith("worker-1"):
                pytest.fail(f"{name} exited while waiting for {what}\n{processes.logs()}")
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}\n{processes.logs()}")


def _runs() -> list[SyncRun]:
    with db.session_scope() as session:
        return list(session.scalars(select(SyncRun).order_by(SyncRun.id)))


def _ready(base: str) -> dict | None:
    try:
        response = httpx.get(f"{base}/api/health/ready", timeout=5)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def _all_finished(runs: list[SyncRun]) -> list[SyncRun] | None:
    return runs if runs and all(r.status in FINISHED for r in runs) else None


def _user_with_access(account_id: int) -> int:
    with db.session_scope() as session:
        return session.scalars(
            select(AdAccountAccess.user_id).where(AdAccountAccess.ad_account_id == account_id)
        ).first()


def test_web_two_workers_and_the_scheduler(layout, world) -> None:  # noqa: F811
    processes, base = layout
    accounts = account_ids(world)

    # 1. Readiness turns green: database, Redis, two live workers, the scheduler's heartbeat.
    ready = _wait("readiness", lambda: _ready(base), processes)
    assert ready["status"] == "ready" and ready["workers"] == 2, ready

    # The scheduler's first passes sync every newly connected account (the workers run them).
    first = _wait(
        "the first syncs",
        lambda: _all_finished(_runs()) if len(_runs()) >= len(accounts) else None,
        processes,
    )
    assert {r.ad_account_id for r in first} == set(accounts)
    assert all(r.status == SyncStatus.SUCCEEDED.value for r in first), [(r.status, r.error) for r in first]

    # 2. The scheduled sync runs: the account's periodic schedule (registered in rq-scheduler by
    # the web and scheduler processes) is brought forward to now, as if its 3 hours had passed.
    client = connection()
    scheduled = accounts[0]
    job_id = sync_job_id(scheduled)
    _wait("the schedule registration", lambda: client.zscore(Scheduler.scheduled_jobs_key, job_id), processes)
    # The first sync's job has fully let go of the account (its run row is written a moment before).
    _wait(
        "the first sync to release the account",
        lambda: enqueue.live_job(scheduled) is None and client.get(sync_lock.lock_key(scheduled)) is None,
        processes,
    )
    Scheduler(connection=client).change_execution_time(_job(client, job_id), datetime.utcnow())
    by_schedule = _wait(
        "the scheduled sync",
        lambda: [r for r in _runs() if r.trigger == "schedule" and r.status in FINISHED],
        processes,
    )
    assert [(r.ad_account_id, r.status) for r in by_schedule] == [(scheduled, SyncStatus.SUCCEEDED.value)], [
        (r.error_code, r.error) for r in by_schedule
    ]
    # ... and it stays scheduled for its next interval.
    assert client.zscore(Scheduler.scheduled_jobs_key, job_id) > time.time()

    # 3. One worker dies (SIGKILL, no warm shutdown); the other keeps the work going.
    processes.kill("worker-1")

    # 4. A sync triggered through the API completes.
    target = accounts[-1]
    with db.session_scope() as session:
        _, token = create_token(session, session.get(User, _user_with_access(target)), name="process layout")
    before = {r.id for r in _runs()}
    response = httpx.post(
        f"{base}/api/sync",
        json={"account_ids": [target]},
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": "layout-req-1"},
        timeout=30,
    )
    assert response.headers["X-Request-ID"] == "layout-req-1"
    assert response.status_code == 202, response.text
    (started,) = response.json()["runs"]
    assert started["account_id"] == target and started["run_id"] not in before

    def api_run() -> dict | None:
        body = httpx.get(
            f"{base}/api/sync/{started['run_id']}", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).json()
        return body if body["finished"] else None

    finished = _wait("the API-triggered sync", api_run, processes)
    assert finished["status"] == SyncStatus.SUCCEEDED.value and finished["rows"] > 0, finished
    assert finished["trigger"] == "api"
    assert processes.procs["worker-2"].poll() is None

    # Still ready with one worker left.
    assert _ready(base) is not None

    # 5. Production logs: JSON lines carrying nginx's request id; no token in any process's log.
    web_lines = [json.loads(line) for line in _log(processes, "web").splitlines() if line.startswith("{")]
    assert any(
        line["request_id"] == "layout-req-1" and line["message"] == "POST /api/sync 202" for line in web_lines
    ), web_lines[-20:]
    for name in processes.procs:
        text = _log(processes, name)
        assert token not in text and not any(u["access_token"] in text for u in world.users), name


def _log(processes: Processes, name: str) -> str:
    return (processes.workdir / f"{name}.log").read_text(errors="replace")


def _job(client, job_id: str):
    from rq.job import Job

    return Job.fetch(job_id, connection=client)
