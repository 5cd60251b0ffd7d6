"""Benchmark: a 100,000-row ad-level Excel export (prints figures; not a test).

    python benchmarks/reports.py [--ads 100000] [--database-url postgresql+psycopg://...]

Seeds a scratch PostgreSQL database (one account, 100 campaigns, 1,000 ad sets, N ads, two
days of insights each), then, in a fresh process so that the seeding does not count:

1. the full export: analytics service -> styled write-only workbook (time, peak RSS);
2. the same cells written by plain openpyxl write-only, without styling (the baseline);
3. the styled writer alone on the same pre-fetched rows;
4. the raw SQL of the same rows: the export's own statement, rendered and run on a server-side
   psycopg cursor, rows fetched and dropped (what the database alone costs).

Goals: full export <= 1.3x (raw SQL + styled writer alone), peak memory < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY1, DAY2 = date(2024, 3, 1), date(2024, 3, 2)
ACCOUNT_ID = 7_000_000_001


def _scratch_url(base: str, name: str) -> str:
    import sqlalchemy as sa

    admin = sa.create_engine(base.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def seed(url: str, ads: int) -> int:
    from sqlalchemy import insert

    from trafficdash import db, migrations
    from trafficdash.analytics.rollups import refresh_all_rollups
    from trafficdash.models import Ad, AdAccount, AdAccountAccess, AdSet, Campaign, DailyInsight, User

    migrations.upgrade(url)
    engine = db.make_engine(url)
    campaigns, ad_sets = 100, 1000
    with engine.begin() as conn:
        conn.execute(
            insert(AdAccount),
            [{"id": ACCOUNT_ID, "name": "Bench", "currency": "USD", "timezone_name": "UTC"}],
        )
        user_id = conn.execute(
            insert(User).returning(User.id), [{"email": "bench@example.com", "name": "Bench"}]
        ).scalar()
        conn.execute(insert(AdAccountAccess), [{"user_id": user_id, "ad_account_id": ACCOUNT_ID}])
        conn.execute(
            insert(Campaign),
            [
                {"id": 1 + c, "ad_account_id": ACCOUNT_ID, "name": f"Campaign {c}", "status": "ACTIVE",
                 "effective_status": "ACTIVE", "objective": "OUTCOME_SALES"}
                for c in range(campaigns)
            ],
        )  # fmt: skip
        conn.execute(
            insert(AdSet),
            [
                {"id": 10_000 + s, "ad_account_id": ACCOUNT_ID, "campaign_id": 1 + s % campaigns, "name": f"Ad set {s}"}
                for s in range(ad_sets)
            ],
        )  # fmt: skip
        for start in range(0, ads, 20_000):
            chunk = range(start, min(ads, start + 20_000))
            conn.execute(
                insert(Ad),
                [
                    {"id": 1_000_000 + a, "ad_account_id": ACCOUNT_ID, "campaign_id": 1 + (a % ad_sets) % campaigns,
                     "ad_set_id": 10_000 + a % ad_sets, "name": f"Ad {a} - summer sale creative",
                     "creative": {"title": f"Title {a}", "body": "Up to 50% off"}}
                    for a in chunk
                ],
            )  # fmt: skip
            rows = []
            for a in chunk:
                for day in (DAY1, DAY2):
                    rows.append(
                        {"ad_id": 1_000_000 + a, "date": day, "ad_account_id": ACCOUNT_ID,
                         "campaign_id": 1 + (a % ad_sets) % campaigns, "ad_set_id": 10_000 + a % ad_sets,
                         "impressions": 1000 + a % 977, "clicks": 10 + a % 13, "link_clicks": 8 + a % 7,
                         "spend": Decimal(f"{5 + a % 50}.{a % 100:02d}"), "conversions": Decimal(a % 3),
                         "conversion_value": Decimal(f"{a % 200}.50"), "reach": 800}
                    )  # fmt: skip
            conn.execute(insert(DailyInsight), rows)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        refresh_all_rollups(session, ACCOUNT_ID)
        session.commit()
    engine.dispose()
    return int(user_id)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _raw_sql_seconds(spec: object) -> float:
    """The export's statement (analytics.export_rows) as plain SQL on a server-side cursor."""
    from trafficdash import db
    from trafficdash.analytics.export_rows import export_statement

    filters = spec.filters  # type: ignore[attr-defined]
    stmt = export_statement("ad", filters, [ACCOUNT_ID], spec.sort, spec.order)  # type: ignore[attr-defined]
    with db.session_scope() as session:
        connection = session.connection()
        sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
        raw = connection.connection.dbapi_connection
        t0 = time.perf_counter()
        with raw.cursor(name="bench_raw_sql") as cursor:  # type: ignore[union-attr]
            cursor.itersize = 1000
            cursor.execute(sql)
            for _ in cursor:
                pass
        return time.perf_counter() - t0


def measure(user_id: int) -> dict:
    from openpyxl import Workbook

    from trafficdash import db
    from trafficdash.analytics.schemas import Filters
    from trafficdash.reports.content import build_content
    from trafficdash.reports.excel import _excel_value, write_workbook
    from trafficdash.reports.spec import ReportSpec

    spec = ReportSpec(filters=Filters(account_ids=[ACCOUNT_ID], since=DAY1, until=DAY2), level="ad")
    out = Path(tempfile.mkdtemp()) / "export.xlsx"
    rss_before = _rss_mb()
    t0 = time.perf_counter()
    with db.session_scope() as session:
        content = build_content(session, user_id, spec, tables=["ad"])
        rows = write_workbook(content, out)
    full = time.perf_counter() - t0
    rss_export = _rss_mb()
    size = out.stat().st_size

    # The same rows, fetched once, for the two writer-only runs.
    with db.session_scope() as session:
        content = build_content(session, user_id, spec, tables=["ad"])
        table = content.tables[0]
        t0 = time.perf_counter()
        materialised = list(table.rows)
        fetch = time.perf_counter() - t0
    kinds = [c.kind for c in table.columns]

    t0 = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ads")
    ws.append([c.header for c in table.columns])
    for row in materialised:
        ws.append(
            [
                _excel_value(k, v) if k not in ("meta", "text", "id") else v
                for k, v in zip(kinds, row, strict=True)
            ]
        )
    wb.save(Path(out.parent) / "baseline.xlsx")
    baseline = time.perf_counter() - t0

    table.rows = materialised
    t0 = time.perf_counter()
    write_workbook(content, Path(out.parent) / "styled.xlsx")
    styled_writer = time.perf_counter() - t0
    raw_sql = _raw_sql_seconds(spec)
    return {
        "rows": rows,
        "cells": rows * len(kinds),
        "file_mb": round(size / 1e6, 1),
        "export_seconds": round(full, 2),
        "fetch_seconds": round(fetch, 2),
        "baseline_seconds": round(baseline, 2),
        "styled_writer_seconds": round(styled_writer, 2),
        "raw_sql_seconds": round(raw_sql, 2),
        "ratio_full_export_vs_sql_plus_writer": round(full / (raw_sql + styled_writer), 2),
        "ratio_full_export_vs_baseline": round(full / baseline, 2),
        "ratio_styled_writer_vs_baseline": round(styled_writer / baseline, 2),
        "peak_rss_mb_before_export": round(rss_before, 1),
        "peak_rss_mb_export": round(rss_export, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ads", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1/postgres")
    parser.add_argument("--measure-user", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_user is not None:
        print(json.dumps(measure(args.measure_user)))
        return
    url = _scratch_url(args.database_url, "td_bench_reports")
    t0 = time.perf_counter()
    user_id = seed(url, args.ads)
    print(f"seeded {args.ads:,} ads x 2 days in {time.perf_counter() - t0:.1f}s")
    env = {**os.environ, "TRAFFICDASH_DATABASE_URL": url, "TRAFFICDASH_SECRET_KEY": "bench",
           "TRAFFICDASH_DATA_DIR": tempfile.mkdtemp(), "TRAFFICDASH_LOG_LEVEL": "WARNING"}  # fmt: skip
    env.pop("TRAFFICDASH_REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, __file__, "--measure-user", str(user_id)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        print(done.stderr)
        raise SystemExit(done.returncode)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for key, value in figures.items():
        print(f"{key:34} {value}")
    ratio = figures["ratio_full_export_vs_sql_plus_writer"]
    print(
        f"goal: full export <= 1.3x (raw SQL + writer alone) -> {'met' if ratio <= 1.3 else 'NOT met'} ({ratio}x)"
    )
    print(f"goal: peak < 300 MB -> {'met' if figures['peak_rss_mb_export'] < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
