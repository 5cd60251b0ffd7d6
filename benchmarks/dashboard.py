"""Dashboard benchmark: ``/api/insights/summary`` on PostgreSQL at 100,000 and 1,000,000 daily ad rows.

Builds its own database (dropped at the end): 4 ad accounts (USD, USD, BRL, EUR), 2,400 ads,
daily ad rows generated server-side (INSERT ... SELECT generate_series: no Python in the
loop) plus 2 breakdown rows per ad and day, then the rollups through the app's own
``refresh_all_rollups``. The growth step adds older days to the same ads, so the question
(the last 30 days vs the 30 before, every account, grouped per currency) stays the same.

Prints per scale: the endpoint's p50 uncached (cache flushed before every call) and cached,
served by uvicorn in its own process with the production middleware and called over
keep-alive HTTP (as a script or BI tool calls it); the service alone (no HTTP); the p50 of
the raw SQL statements one call runs (captured from the engine, replayed on a raw psycopg
connection, without a transaction as the endpoint runs them); and the endpoint's uncached time
as a ratio to that SQL. Last, the fixed floor of any call on this stack (an empty answer from the
same server and middleware, plus the cache's Redis round trips), to set the ratio against:
(floor + SQL) / SQL is the best it could be.

    .venv/bin/python benchmarks/dashboard.py [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--redis-url redis://127.0.0.1:6379] [--iterations 200]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACCOUNTS = [(9101, "USD"), (9102, "USD"), (9103, "BRL"), (9104, "EUR")]
CAMPAIGNS_PER_ACCOUNT = 50
ADSETS_PER_CAMPAIGN = 4
ADS_PER_ADSET = 3
ADS = len(ACCOUNTS) * CAMPAIGNS_PER_ACCOUNT * ADSETS_PER_CAMPAIGN * ADS_PER_ADSET  # 2,400
LAST_DAY = date(2026, 11, 20)
SCALES = (100_000, 1_000_000)
# Under /api, so the rate limiter counts it as it counts the summary.
NOOP_PATH = "/api/bench-noop"
# What an uncached summary does in Redis besides the rate limit: read the cache, write it.
REDIS_ROUND_TRIPS = 2


def days_for(rows: int) -> int:
    return -(-rows // ADS)


def p50(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(
    fn: Callable[[], object], iterations: int, before: Callable[[], object] | None = None
) -> list[float]:
    out = []
    for _ in range(iterations):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


ENTITY_SQL = (
    """
    INSERT INTO campaigns (id, ad_account_id, name, status, effective_status, objective, is_deleted, synced_at)
    SELECT :base + c, :acc, 'Campaign ' || c, CASE WHEN c % 5 = 0 THEN 'PAUSED' ELSE 'ACTIVE' END,
           CASE WHEN c % 5 = 0 THEN 'PAUSED' ELSE 'ACTIVE' END,
           CASE WHEN c % 2 = 0 THEN 'OUTCOME_SALES' ELSE 'OUTCOME_TRAFFIC' END, false, now()
    FROM generate_series(1, :nc) c
    """,
    """
    INSERT INTO ad_sets (id, ad_account_id, campaign_id, name, status, effective_status, targeting, is_deleted, synced_at)
    SELECT :base + 10000 + c * 10 + s, :acc, :base + c, 'Ad set ' || c || '.' || s, 'ACTIVE', 'ACTIVE', '{}', false, now()
    FROM generate_series(1, :nc) c, generate_series(1, :ns) s
    """,
    """
    INSERT INTO ads (id, ad_account_id, campaign_id, ad_set_id, name, status, effective_status, creative, is_deleted, synced_at)
    SELECT :base + 100000 + (c * 10 + s) * 10 + a, :acc, :base + c, :base + 10000 + c * 10 + s,
           'Ad ' || c || '.' || s || '.' || a, 'ACTIVE', 'ACTIVE', '{}', false, now()
    FROM generate_series(1, :nc) c, generate_series(1, :ns) s, generate_series(1, :na) a
    """,
)


def create_entities(conn: sa.Connection) -> None:
    for account_id, _ in ACCOUNTS:
        base = account_id * 1_000_000
        values = {
            "base": base,
            "acc": account_id,
            "nc": CAMPAIGNS_PER_ACCOUNT,
            "ns": ADSETS_PER_CAMPAIGN,
            "na": ADS_PER_ADSET,
        }
        for statement in ENTITY_SQL:
            conn.execute(sa.text(statement), values)


def insert_days(conn: sa.Connection, first: date, last: date) -> None:
    """Daily rows for every ad and day in first..last, and 2 breakdown rows (placement, device) each."""
    params = {"first": first, "last": last}
    conn.execute(
        sa.text(
            """
            INSERT INTO insights_daily (ad_id, date, ad_account_id, campaign_id, ad_set_id, impressions, clicks,
                link_clicks, spend, reach, conversions, conversion_value, actions, action_values,
                cost_per_action_type, purchase_roas, synced_at)
            SELECT a.id, d::date, a.ad_account_id, a.campaign_id, a.ad_set_id, x.imp, x.imp / 50, x.imp / 70,
                   round(x.imp * 0.0123, 2), x.imp * 8 / 10, x.imp / 900, round(x.imp * 0.045, 2),
                   '[]', '[]', '[]', '[]', now()
            FROM ads a CROSS JOIN generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 day') d
            CROSS JOIN LATERAL (SELECT 400 + ((a.id * 7919 + extract(epoch FROM d)::bigint / 86400 * 104729) % 1600) AS imp) x
            """
        ),
        params,
    )
    conn.execute(
        sa.text(
            """
            INSERT INTO insights_breakdown (ad_id, date, breakdown, value_1, value_2, ad_account_id, campaign_id,
                ad_set_id, impressions, clicks, link_clicks, spend, reach, conversions, conversion_value,
                actions, action_values, synced_at)
            SELECT i.ad_id, i.date, b.kind, b.v1, b.v2, i.ad_account_id, i.campaign_id, i.ad_set_id, i.impressions,
                   i.clicks, i.link_clicks, i.spend, i.reach, i.conversions, i.conversion_value, '[]', '[]', now()
            FROM insights_daily i
            CROSS JOIN LATERAL (VALUES
                ('placement', CASE WHEN i.ad_id % 2 = 0 THEN 'facebook' ELSE 'instagram' END, 'feed'),
                ('device', CASE WHEN i.ad_id % 3 = 0 THEN 'desktop' ELSE 'mobile_app' END, '')) AS b(kind, v1, v2)
            WHERE i.date BETWEEN :first AND :last
            """
        ),
        params,
    )


def refresh(first: date, last: date) -> float:
    from trafficdash.analytics.rollups import refresh_rollups
    from trafficdash.db import session_scope

    start = time.perf_counter()
    with session_scope() as session:
        for account_id, _ in ACCOUNTS:
            refresh_rollups(session, account_id, first, last)
    return time.perf_counter() - start


def raw_sql_of(engine: sa.Engine, call: Callable[[], None], iterations: int) -> tuple[list, list[float]]:
    """The SQL statements one call runs (captured from the engine), and their replay times on a raw connection."""
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    raw = engine.raw_connection()
    # Without a transaction, as the endpoint runs them (db.read_scope).
    raw.driver_connection.autocommit = True  # type: ignore[union-attr]
    try:
        cur = raw.cursor()

        def replay() -> None:
            for statement, parameters in statements:
                cur.execute(statement, parameters)
                if cur.description:
                    cur.fetchall()

        return statements, timed(replay, iterations)
    finally:
        raw.driver_connection.autocommit = False  # type: ignore[union-attr]
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    name = f"td_bench_dashboard_{os.getpid()}_{secrets.token_hex(2)}"
    admin = sa.create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.admin_url).set(database=name).render_as_string(hide_password=False)
    # A Redis database of our own, claimed like the test sessions claim theirs.
    control = redis.Redis.from_url(args.redis_url, db=0)
    redis_db, claim = next(
        (n, f"trafficdash:test-claim:{n}")
        for n in range(15, 0, -1)
        if control.set(f"trafficdash:test-claim:{n}", os.getpid(), nx=True, ex=3600)
    )
    os.environ.update(
        {
            "TRAFFICDASH_DATABASE_URL": url,
            "TRAFFICDASH_REDIS_URL": f"{args.redis_url}/{redis_db}",
            "TRAFFICDASH_DATA_DIR": f"/tmp/{name}",
            "TRAFFICDASH_SECRET_KEY": "bench-" + secrets.token_hex(8),
            "TRAFFICDASH_LOG_LEVEL": "WARNING",
            # The limiter still counts every call in Redis; only its ceiling is out of the way.
            "TRAFFICDASH_API_RATE_LIMIT_PER_MINUTE": str(10**9),
        }
    )
    try:
        run(url, args.iterations)
    finally:
        from trafficdash import db, redis_conn

        try:
            redis_conn.get_redis().flushdb()
        finally:
            redis_conn.reset()
            control.delete(claim)
            db.dispose()
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def api_app() -> object:
    """The API with the production middleware stack (rate limits on Redis, security headers,
    request ids): what ``uvicorn --factory`` serves in the benchmark's server process."""
    from fastapi import FastAPI, Response

    from trafficdash.api import install_api
    from trafficdash.auth.wiring import install_auth
    from trafficdash.logging_setup import install_request_id_middleware
    from trafficdash.settings import get_settings

    api = FastAPI()
    install_auth(api, get_settings())
    install_request_id_middleware(api, get_settings())

    @api.get(NOOP_PATH, include_in_schema=False)
    async def noop() -> Response:
        # The floor: the same server and middleware (rate limit included) answering with no work.
        return Response(b"{}", media_type="application/json")

    install_api(api)
    return api


@contextlib.contextmanager
def api_server() -> Iterator[tuple[str, int]]:
    """uvicorn in a process of its own (as deployed: the client and the server do not share a
    GIL), on a free local port and this process's environment; yields (host, port)."""
    import http.client
    import socket
    import subprocess

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "benchmarks.dashboard:api_app", "--factory"]
    # Keep-alive outlives the data loads between the timed phases (uvicorn drops idle ones after 5 s).
    command += [
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--timeout-keep-alive",
        "3600",
    ]
    server = subprocess.Popen(command, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/openapi.json")
                probe.getresponse().read()
                probe.close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the API server did not start") from None
                time.sleep(0.1)
        yield "127.0.0.1", port
    finally:
        server.terminate()
        server.wait(timeout=30)


def run(url: str, iterations: int) -> None:
    import http.client
    from urllib.parse import urlencode

    from starlette.testclient import TestClient

    from trafficdash import db, migrations, redis_conn
    from trafficdash.analytics import service
    from trafficdash.analytics.schemas import Filters
    from trafficdash.auth import api_tokens
    from trafficdash.models import AdAccount, AdAccountAccess, PeriodReach, User

    migrations.upgrade(url)
    db.configure()
    engine = db.get_engine()
    with db.session_scope() as session:
        user = User(email="bench@example.com", name="Bench")
        session.add(user)
        session.flush()
        for account_id, currency in ACCOUNTS:
            session.add(AdAccount(id=account_id, name=f"Bench {currency} {account_id}", currency=currency))
            session.flush()
            session.add(AdAccountAccess(user_id=user.id, ad_account_id=account_id))
        _, token = api_tokens.create_token(session, user, "bench")
        user_id = user.id
    with engine.begin() as conn:
        create_entities(conn)

    until = LAST_DAY
    since = until - timedelta(days=29)
    params = {"since": since.isoformat(), "until": until.isoformat()}
    with db.session_scope() as session:  # Meta's reach of the asked range, as the sync stores it
        for account_id, _ in ACCOUNTS:
            for s, u in ((since, until), (since - timedelta(days=30), since - timedelta(days=1))):
                session.add(
                    PeriodReach(
                        level="account",
                        entity_id=account_id,
                        ad_account_id=account_id,
                        date_start=s,
                        date_stop=u,
                        reach=123_456,
                    )
                )

    cache = redis_conn.get_redis()
    path = "/api/insights/summary?" + urlencode(params)
    headers = {"Authorization": f"Bearer {token}"}
    # The same app in this process, only to capture the SQL one call runs (engine events are per process).
    in_process = TestClient(api_app(), headers=headers)

    def call_in_process() -> None:
        assert in_process.get(path).status_code == 200

    filters = Filters(since=since, until=until)

    def call_service() -> None:
        with db.session_scope() as session:
            service.summary(session, user_id, filters)

    with api_server() as (host, port):
        # A keep-alive connection from the leanest client there is (the standard library's): the
        # timings are the server's, not a client library's own milliseconds per request.
        client = http.client.HTTPConnection(host, port)

        def call() -> None:
            client.request("GET", path, headers=headers)
            response = client.getresponse()
            body = response.read()
            assert response.status == 200, body

        def noop() -> None:
            client.request("GET", NOOP_PATH)
            response = client.getresponse()
            response.read()
            assert response.status == 200

        raw_sql = measure(engine, cache, call, call_in_process, call_service, iterations)
        print_floor(cache, noop, iterations, raw_sql)


def measure(
    engine: sa.Engine,
    cache: redis.Redis,
    call: Callable[[], None],
    call_in_process: Callable[[], None],
    call_service: Callable[[], None],
    iterations: int,
) -> dict[int, float]:
    """Prints a line per scale; returns the raw SQL p50 (ms) per daily row count."""
    until = LAST_DAY
    raw_sql_p50: dict[int, float] = {}

    loaded_first: date | None = None
    print(
        f"{'rows':>10} {'breakdown':>10} {'load s':>7} {'rollup s':>8} {'uncached':>9} {'cached':>7} {'service':>8} {'raw SQL':>8} {'ratio':>6}  (p50 ms)"
    )
    for rows in SCALES:
        first = until - timedelta(days=days_for(rows) - 1)
        new_last = until if loaded_first is None else loaded_first - timedelta(days=1)
        start = time.perf_counter()
        with engine.begin() as conn:
            insert_days(conn, first, new_last)
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
        load_s = time.perf_counter() - start
        rollup_s = refresh(first, new_last)
        # VACUUM and a CHECKPOINT too: otherwise autovacuum, or the checkpointer flushing the load's
        # WAL, wakes up in the middle of the timings.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
            with contextlib.suppress(sa.exc.DBAPIError):  # CHECKPOINT needs a superuser
                conn.execute(sa.text("CHECKPOINT"))
        loaded_first = first
        with engine.connect() as conn:
            daily_rows = conn.scalar(sa.text("SELECT count(*) FROM insights_daily"))
            breakdown_rows = conn.scalar(sa.text("SELECT count(*) FROM insights_breakdown"))

        for _ in range(200):  # warm the pools, the PostgreSQL buffers and prepared statements
            cache.flushdb()
            call()
        uncached = timed(call, iterations, before=cache.flushdb)
        cached = timed(call, iterations)
        service_uncached = timed(call_service, iterations, before=cache.flushdb)

        cache.flushdb()
        statements, raw_sql = raw_sql_of(engine, call_in_process, iterations)
        print(
            f"{daily_rows:>10,} {breakdown_rows:>10,} {load_s:>7.1f} {rollup_s:>8.1f} {p50(uncached):>9.2f} {p50(cached):>7.2f} "
            f"{p50(service_uncached):>8.2f} {p50(raw_sql):>8.2f} {p50(uncached) / p50(raw_sql):>6.2f}"
        )
        print(f"{'':>10} statements per uncached call: {len(statements)} (auth + scope + sums + reach)")
        raw_sql_p50[daily_rows] = p50(raw_sql)
    return raw_sql_p50


def print_floor(
    cache: redis.Redis, noop: Callable[[], None], iterations: int, raw_sql: dict[int, float]
) -> None:
    """The fixed cost of any uncached answer on this stack, whatever its SQL: an empty answer from
    the same server and middleware, plus the cache's Redis round trips (read, write). The best
    ratio to the SQL any implementation here could reach is (floor + SQL) / SQL."""
    http_ms = p50(timed(noop, iterations))
    redis_ms = p50(timed(cache.ping, iterations))
    floor = http_ms + REDIS_ROUND_TRIPS * redis_ms
    print(
        f"fixed floor: empty rate-limited answer over HTTP {http_ms:.2f} ms + {REDIS_ROUND_TRIPS} Redis round trips "
        f"x {redis_ms:.2f} ms = {floor:.2f} ms per call, before any SQL, auth or answer is built"
    )
    for rows, sql_ms in raw_sql.items():
        print(
            f"{rows:>10,} rows: best reachable ratio (floor + raw SQL) / raw SQL = {(floor + sql_ms) / sql_ms:.2f}"
        )


if __name__ == "__main__":
    main()
