"""Sync benchmark: one account, 1,000 ads, 90 days of daily insights + 4 breakdowns, into PostgreSQL.

Prints: rows/s end to end, peak memory, the sync's wall time against the SDK alone fetching
the same pages (same plan, same report runs, pages thrown away), and the writer's database
rate against a raw COPY of the same rows into the same tables. Creates and drops its own
database on the local PostgreSQL and starts its own sandbox (scale "bench").

    .venv/bin/python benchmarks/sync.py [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    # A SIGTERM still drops the database and stops the sandbox (the finally block below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    name = f"td_bench_sync_{os.getpid()}_{secrets.token_hex(2)}"
    admin = sa.create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.admin_url).set(database=name).render_as_string(hide_password=False)
    port = free_port()
    sandbox = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/trafficdash"),
            "sandbox",
            "--port",
            str(port),
            "--scale",
            "bench",
            "--seed",
            "42",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        graph = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                httpx.get(f"{graph}/__sandbox__/state", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        os.environ.update(
            {
                "TRAFFICDASH_DATABASE_URL": url,
                "TRAFFICDASH_SECRET_KEY": "bench-" + secrets.token_hex(8),
                "TRAFFICDASH_META_GRAPH_URL": graph,
                "TRAFFICDASH_SANDBOX_SEED": "42",
                "TRAFFICDASH_LOG_LEVEL": "WARNING",
            }
        )
        os.environ.pop("TRAFFICDASH_REDIS_URL", None)
        run(url, graph)
    finally:
        sandbox.terminate()
        sandbox.wait(10)
        from trafficdash import db

        db.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(url: str, graph: str) -> None:
    from trafficdash import db, migrations
    from trafficdash.auth.crypto import encrypt_token
    from trafficdash.meta.client import make_api
    from trafficdash.meta.reading import AccountReader
    from trafficdash.meta.throttle import Throttle
    from trafficdash.models import AdAccount, AdAccountAccess, ConnectionStatus, SyncRun, User
    from trafficdash.sync import service
    from trafficdash.sync.reach import reach_rows
    from trafficdash.sync.writer import BulkWriter

    def progress(r: SyncRun) -> None:
        print(
            f"  {r.phase:<9} {r.steps_done:>3}/{r.steps_total} steps {r.rows_written:>10,} rows",
            end="\r",
            file=sys.stderr,
            flush=True,
        )

    migrations.upgrade(url)
    db.configure()
    state = httpx.get(f"{graph}/__sandbox__/state").json()
    user = state["users"][0]
    account_id = int(user["ad_account_ids"][0].removeprefix("act_"))
    with db.session_scope() as session:
        u = User(
            email=user["email"],
            meta_user_id=user["id"],
            meta_token_encrypted=encrypt_token(user["access_token"]),
            connection_status=ConnectionStatus.CONNECTED.value,
        )
        session.add(u)
        session.add(AdAccount(id=account_id, name="bench"))
        session.flush()
        session.add(AdAccountAccess(user_id=u.id, ad_account_id=account_id))

    stats: list = []
    original_close = BulkWriter.close

    def recording_close(self: BulkWriter) -> None:
        original_close(self)
        stats.append(self.stats)

    BulkWriter.close = recording_close  # type: ignore[method-assign]

    # ---- 1. the sync, end to end ---------------------------------------------------------------------
    t0 = time.perf_counter()
    run_id = service.sync_account(account_id, trigger="cli", full_refresh=True, progress=progress)
    sync_seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with db.session_scope() as session:
        sync_run = session.get(SyncRun, run_id)
        assert sync_run is not None
        if sync_run.status != "succeeded":
            sys.exit(f"sync failed: {sync_run.error}")
        since, until, rows = sync_run.since, sync_run.until, sync_run.rows_written
    writer = stats[-1]

    # ---- 2. the SDK alone: the same plan and pages, thrown away ----------------------------------------
    class Discard:
        def __init__(self) -> None:
            self.checkpoint: dict = {"done": {}}

        def begin_slice(self, spec) -> None: ...
        def add_rows(self, rows) -> None: ...
        def commit_slice(self) -> None: ...
        def abort_slice(self) -> None: ...

    reader = AccountReader(
        make_api(user["access_token"]), account_id, Throttle(service.TUNING.retry), service.TUNING.reader
    )
    job = service._SyncJob(account_id, run_id, True, since, until, None, service.TUNING)
    job.writer = Discard()  # type: ignore[assignment]
    t0 = time.perf_counter()
    reader.account_details()
    for edge in service.ENTITY_EDGES:
        for _page in reader.entity_pages(edge):
            pass
    job.n_ads = 1000
    job.insights(reader, service.plan_slices(since, until, service.TUNING))
    reach_rows(reader, account_id)
    fetch_seconds = time.perf_counter() - t0

    # ---- 3. raw COPY of the same rows into the same tables -----------------------------------------------
    engine = db.get_engine()
    raw = engine.raw_connection()
    copied = 0
    copy_seconds = 0.0
    try:
        cur = raw.cursor()
        for table in ("insights_daily", "insights_breakdown"):
            buf = io.BytesIO()
            with cur.copy(f"COPY {table} TO STDOUT") as out:
                for chunk in out:
                    buf.write(chunk)
            raw.commit()
            n = cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            cur.execute(f"TRUNCATE {table}")
            raw.commit()
            data = buf.getvalue()
            t0 = time.perf_counter()
            with cur.copy(f"COPY {table} FROM STDIN") as cp:
                for start in range(0, len(data), 1 << 20):
                    cp.write(data[start : start + (1 << 20)])
            raw.commit()
            copy_seconds += time.perf_counter() - t0
            copied += n
    finally:
        raw.close()

    insight_rows = copied
    write_rate = rows / writer.seconds if writer.seconds else float("inf")
    copy_rate = insight_rows / copy_seconds if copy_seconds else float("inf")
    print(f"range                 {since} .. {until} (1 account, 1,000 ads, daily + 4 breakdowns)")
    print(f"rows written          {rows:,} ({insight_rows:,} insight rows)")
    print(f"sync wall time        {sync_seconds:.1f} s  -> {rows / sync_seconds:,.0f} rows/s end to end")
    print(f"peak memory (RSS)     {peak_mb:.0f} MB (goal < 500)")
    print(
        f"SDK fetch only        {fetch_seconds:.1f} s  -> sync/fetch ratio {sync_seconds / fetch_seconds:.2f}x "
        "(goal <= 1.3)"
    )
    print(
        f"writer busy           {writer.seconds:.1f} s  -> {write_rate:,.0f} rows/s (parse + COPY + merge + commit)"
    )
    print(f"raw COPY              {copy_seconds:.1f} s  -> {copy_rate:,.0f} rows/s")
    print(f"write/COPY ratio      {write_rate / copy_rate:.2f} (goal >= 0.4)")


if __name__ == "__main__":
    main()
