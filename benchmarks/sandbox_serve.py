"""How fast the sandbox serves insights over HTTP (bench scale: 1 account, 1,000 ads, 90 days).

Run: .venv/bin/python benchmarks/sandbox_serve.py
Prints insight rows per second for cold (generating) and warm (cached) full syncs, with and without
breakdowns, paging with limit=5000 over real HTTP on loopback.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from datetime import date

import httpx
import uvicorn

from trafficdash.sandbox import SandboxConfig, create_sandbox_app


def serve(config: SandboxConfig) -> tuple[str, uvicorn.Server]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_sandbox_app(config), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server


def pull(client: httpx.Client, url: str, params: dict) -> tuple[int, float]:
    t0 = time.perf_counter()
    rows = 0
    after = None
    while True:
        p = dict(params, **({"after": after} if after else {}))
        body = client.get(url, params=p).json()
        if "error" in body:
            raise RuntimeError(body["error"])
        rows += len(body["data"])
        if "next" not in body.get("paging", {}):
            return rows, time.perf_counter() - t0
        after = body["paging"]["cursors"]["after"]


def main() -> None:
    config = SandboxConfig(scale="bench", today=date(2026, 11, 20), max_sync_insight_rows=5_000_000)
    base, server = serve(config)
    state = httpx.get(f"{base}/__sandbox__/state").json()
    user = state["users"][0]
    acc = user["ad_account_ids"][0]
    url = f"{base}/{config.api_version}/{acc}/insights"
    fields = "account_id,campaign_id,adset_id,ad_id,impressions,reach,clicks,inline_link_clicks,spend,actions,action_values"
    common = {
        "access_token": user["access_token"],
        "level": "ad",
        "time_increment": "1",
        "limit": "5000",
        "fields": fields,
    }
    runs = [
        ("ad x day, 90 days (cold)", {"date_preset": "last_90d"}),
        ("ad x day, 90 days (warm)", {"date_preset": "last_90d"}),
        ("ad x day, 28 days, age+gender", {"date_preset": "last_28d", "breakdowns": "age,gender"}),
        (
            "ad x day, 28 days, placement",
            {"date_preset": "last_28d", "breakdowns": "publisher_platform,platform_position"},
        ),
    ]
    results = {}
    with httpx.Client(timeout=600) as client:
        for name, extra in runs:
            rows, secs = pull(client, url, {**common, **extra})
            results[name] = {"rows": rows, "seconds": round(secs, 2), "rows_per_sec": round(rows / secs)}
            print(f"{name:<36} {rows:>9} rows  {secs:7.2f} s  {rows / secs:>9.0f} rows/s", flush=True)
    server.should_exit = True
    if "--json" in sys.argv:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
