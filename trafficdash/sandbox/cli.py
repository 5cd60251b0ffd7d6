"""`trafficdash sandbox`: run the Graph API emulator standalone."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from .config import FaultConfig, SandboxConfig
from .users import sandbox_app_credentials


def build_config(seed: int, **options: Any) -> SandboxConfig:
    fault_names = set(FaultConfig().as_dict())
    faults = {k: v for k, v in options.items() if k in fault_names and v is not None}
    size = {k: v for k, v in options.items() if k not in fault_names and v is not None}
    if isinstance(size.get("today"), str):
        size["today"] = date.fromisoformat(size["today"])
    return SandboxConfig(seed=seed, faults=FaultConfig().updated(faults), **size)


def describe(config: SandboxConfig, graph_url: str) -> dict[str, Any]:
    from .login import login_configurations
    from .world import World

    world = World(config)
    app_id, app_secret = sandbox_app_credentials(config.seed)
    accounts = {
        a.id: {
            "id": a.id,
            "name": a.spec.name,
            "currency": a.spec.currency,
            "timezone_name": a.spec.timezone,
            "account_status": a.spec.status,
            "users": a.owners,
        }
        for a in world.accounts.values()
    }
    return {
        "graph_url": graph_url,
        "api_version": config.api_version,
        "app_id": app_id,
        "app_secret": app_secret,
        "seed": config.seed,
        "users": world.users,
        "ad_accounts": list(accounts.values()),
        "login_configurations": [c.as_dict() for c in login_configurations(config.seed)],
    }


def run_sandbox(
    host: str = "127.0.0.1",
    port: int = 8090,
    seed: int = 42,
    print_users_json: bool = False,
    **size_and_fault_options: Any,
) -> None:
    """Print the sandbox users (tokens, ad accounts) and app credentials, then serve with uvicorn."""
    config = build_config(seed, **size_and_fault_options)
    info = describe(config, f"http://{host}:{port}")
    if print_users_json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return
    print(
        f"Meta sandbox  seed={seed}  scale={config.scale}  Graph URL {info['graph_url']}  "
        f"(API {config.api_version})"
    )
    print(f"App id: {info['app_id']}    App secret: {info['app_secret']}")
    print("Users (long-lived access tokens):")
    for u in info["users"]:
        print(f"  {u['id']}  {u['name']:<20} {u['email']}")
        print(f"    token: {u['access_token']}")
        print(f"    ad accounts: {', '.join(u['ad_account_ids'])}")
    print("Ad accounts:")
    for a in info["ad_accounts"]:
        print(f"  {a['id']}  {a['name']:<14} {a['currency']}  {a['timezone_name']}")
    print(f"OAuth dialog: {info['graph_url']}/dialog/oauth   control: {info['graph_url']}/__sandbox__/state")
    import uvicorn

    from .app import create_sandbox_app

    uvicorn.run(create_sandbox_app(config), host=host, port=port, log_level="info")
