"""FastAPI app: Graph paths, batch, OAuth dialog and /__sandbox__ control endpoints."""

from __future__ import annotations

import asyncio
import html
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from .config import SandboxConfig
from .creatives import MEDIA_PATH, PREVIEW_PATH, Creative, preview_page, render_image
from .errors import GraphError, param_error
from .graph import ALWAYS_GRANTED, Graph, Reply
from .pressure import batch_timeout
from .versions import check_version
from .world import Ad

try:  # orjson ships with the app's dependencies; fall back to json
    import orjson

    def dumps(obj: Any) -> bytes:
        return orjson.dumps(obj)
except ImportError:  # pragma: no cover

    def dumps(obj: Any) -> bytes:
        return json.dumps(obj, separators=(",", ":")).encode()


VERSION_RE = re.compile(r"^v\d+\.\d+$")
MAX_BATCH = 50


def _split(path: str, default_version: str) -> tuple[str, list[str]]:
    parts = [p for p in path.split("/") if p]
    version = default_version
    if parts and VERSION_RE.match(parts[0]):
        version, parts = parts[0], parts[1:]
    return version, parts


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method in ("POST", "PUT", "DELETE"):
        ctype = request.headers.get("content-type", "")
        if "form" in ctype:
            form = await request.form()
            for k, v in form.items():
                if isinstance(v, str):
                    params[k] = v
        elif "json" in ctype:
            try:
                body = await request.json()
                if isinstance(body, dict):
                    params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
            except ValueError:
                pass
    return params


def create_sandbox_app(config: SandboxConfig | None = None) -> FastAPI:
    """A standalone ASGI app emulating graph.facebook.com; mount it anywhere (root_path aware)."""
    config = config or SandboxConfig()
    graph = Graph(config)
    app = FastAPI(title="trafficdash Meta sandbox", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.graph = graph
    app.state.config = config

    def respond(reply: Reply) -> Response:
        return Response(
            content=dumps(reply.body),
            status_code=reply.status,
            headers=reply.headers,
            media_type="application/json; charset=UTF-8",
        )

    async def slow() -> None:
        if graph.faults.slow_response_ms:
            await asyncio.sleep(graph.faults.slow_response_ms / 1000.0)

    # ---- control ------------------------------------------------------------------------------
    @app.get("/__sandbox__/state")
    async def sandbox_state() -> JSONResponse:
        return JSONResponse(graph.state())

    @app.post("/__sandbox__/faults")
    async def sandbox_faults(request: Request) -> JSONResponse:
        try:
            values = await request.json()
            return JSONResponse(graph.set_faults(dict(values or {})))
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    def base_of(request: Request) -> str:
        """The sandbox's own base URL (standalone, or under the prefix it is mounted at)."""
        root = request.scope.get("root_path", "")
        return str(request.url.replace(path=root, query="", fragment="")).rstrip("/")

    # ---- media and previews (what creative URLs and preview iframes point at; no token, like a CDN) ----
    @app.get(MEDIA_PATH + "/{name}")
    async def sandbox_media(name: str) -> Response:
        image_hash, _, rest = name.removesuffix(".png").partition("_")
        kind = graph.image_kinds.get(image_hash)
        if kind is None or rest not in ("", "t") or not name.endswith(".png"):
            return Response(status_code=404)
        png = await run_in_threadpool(render_image, image_hash, kind, rest == "t")
        return Response(png, media_type="image/png", headers={"cache-control": "public, max-age=86400"})

    @app.get(PREVIEW_PATH + "/{ad_id}")
    async def sandbox_preview(
        request: Request, ad_id: str, ad_format: str = "DESKTOP_FEED_STANDARD"
    ) -> Response:
        ad = graph.world.nodes.get(ad_id)
        if not isinstance(ad, Ad):
            return Response(status_code=404)
        return HTMLResponse(preview_page(Creative(ad), base_of(request), ad_format))

    # ---- OAuth dialog -------------------------------------------------------------------------
    def dialog_page(request: Request, params: dict[str, str], error: str | None = None) -> HTMLResponse:
        action = f"{request.scope.get('root_path', '')}{request.url.path.removeprefix(request.scope.get('root_path', ''))}"
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
            if k in ("client_id", "redirect_uri", "state", "scope", "response_type", "config_id")
        )
        requested = [x for x in params.get("scope", "").replace(" ", ",").split(",") if x]
        config = graph.configs.get(params.get("config_id", ""))
        if config is not None:  # Login for Business: fixed permissions, the user picks ad accounts
            requested = []
            hidden += '<input type="hidden" name="assets_offered" value="1">'
            accounts = "".join(
                f'<label class=perm><input type="checkbox" name="asset_ids" value="{html.escape(a.account_id)}" '
                f"checked> {html.escape(a.spec.name)} ({html.escape(a.id)})</label>"
                for a in graph.world.accounts.values()
            )
            hidden += (
                f"<p>{html.escape(config.name)} asks for: "
                f"<code>{html.escape(', '.join(config.permissions))}</code></p>"
                f"<details open><summary>Ad accounts to share</summary>{accounts}</details>"
            )
        # Facebook's "Edit access": the user may turn off permissions before continuing.
        choices = "".join(
            f'<label class=perm><input type="checkbox" name="declined_scopes" value="{html.escape(x)}"> '
            f"Don't allow <code>{html.escape(x)}</code></label>"
            for x in requested
            if x not in ALWAYS_GRANTED
        )
        edit = f"<details><summary>Edit access</summary>{choices}</details>" if choices else ""
        users = "".join(
            f'<button name="user_id" value="{html.escape(u["id"])}" type="submit">'
            f"<b>{html.escape(u['name'])}</b><br><small>{html.escape(u['email'])} · "
            f"{len(u['ad_account_ids'])} ad accounts</small></button>"
            for u in graph.world.users
        )
        body = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>Log in with Facebook (sandbox)</title>"
            "<style>body{font-family:system-ui;background:#18191a;color:#e4e6eb;display:flex;"
            "justify-content:center;padding-top:8vh}main{background:#242526;padding:24px;border-radius:12px;"
            "width:380px}button{display:block;width:100%;margin:8px 0;padding:12px;border-radius:8px;"
            "border:0;background:#1877f2;color:#fff;text-align:left;cursor:pointer}"
            ".err{color:#f02849}.perm{display:block;margin:6px 0}</style></head><body><main><h2>Meta sandbox login</h2>"
            f"{f'<p class=err>{html.escape(error)}</p>' if error else ''}"
            "<p>Choose a sandbox user to continue:</p>"
            f'<form method="post" action="{html.escape(action)}">{hidden}{edit}{users}</form></main></body></html>'
        )
        return HTMLResponse(body, status_code=400 if error else 200)

    def version_error(request: Request) -> str | None:
        version = request.path_params.get("version")
        if version is None:
            return None
        try:
            check_version(version, graph.today_utc())
        except GraphError as exc:
            return exc.message
        return None

    async def dialog_get(request: Request) -> HTMLResponse:
        params = dict(request.query_params)
        expired = version_error(request)
        if expired:
            return dialog_page(request, params, expired)
        if params.get("client_id") != graph.world.app_id:
            return dialog_page(request, params, "Invalid App ID: the client_id is not this sandbox's app id.")
        if params.get("config_id") and params["config_id"] not in graph.configs:
            return dialog_page(
                request, params, "Invalid config_id: no such Facebook Login for Business configuration."
            )
        if not params.get("redirect_uri"):
            return dialog_page(request, params, "redirect_uri is required.")
        return dialog_page(request, params)

    async def dialog_post(request: Request) -> Response:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        expired = version_error(request)
        if expired:
            return dialog_page(request, form, expired)
        if form.get("client_id") != graph.world.app_id or not form.get("redirect_uri"):
            return dialog_page(request, form, "Invalid request.")
        user_id = form.get("user_id", "")
        redirect_uri = form["redirect_uri"]
        sep = "&" if urlsplit(redirect_uri).query else "?"
        if user_id not in graph.world.users_by_id:
            query = {
                "error": "access_denied",
                "error_reason": "user_denied",
                "error_description": "Permissions error",
            }
        else:
            full_form = await request.form()
            if form.get("config_id") in graph.configs:
                picked = (
                    [str(x) for x in full_form.getlist("asset_ids")] if form.get("assets_offered") else None
                )
                graph.consent_config(user_id, form["config_id"], picked)
            else:
                declined = full_form.getlist("declined_scopes")
                requested = [x for x in form.get("scope", "").replace(" ", ",").split(",") if x]
                graph.consent(user_id, requested, [str(x) for x in declined])
            query = {"code": graph.make_code(user_id, form["client_id"], redirect_uri)}
        if form.get("state") is not None:
            query["state"] = form["state"]
        return RedirectResponse(f"{redirect_uri}{sep}{urlencode(query)}#_=_", status_code=302)

    for prefix in ("", "/{version}"):
        app.add_api_route(f"{prefix}/dialog/oauth", dialog_get, methods=["GET"], include_in_schema=False)
        app.add_api_route(f"{prefix}/dialog/oauth", dialog_post, methods=["POST"], include_in_schema=False)

    # ---- batch ----------------------------------------------------------------------------------
    def run_batch(params: dict[str, str], base_url: str, auth: str | None, version: str) -> Reply:
        check_version(version, graph.today_utc())
        try:
            batch = json.loads(params.get("batch") or "")
        except ValueError:
            raise param_error("param batch must be a JSON array") from None
        if not isinstance(batch, list):
            raise param_error("param batch must be a JSON array")
        if len(batch) > MAX_BATCH:
            raise param_error(f"Too many requests in batch message. Maximum batch size is {MAX_BATCH}")
        include_headers = str(params.get("include_headers", "true")).lower() != "false"
        out: list[dict[str, Any] | None] = []
        last_headers: dict[str, str] = {}
        faults = graph.faults
        for number, item in enumerate(batch, start=1):
            if not isinstance(item, dict) or "relative_url" not in item:
                raise param_error("Missing relative_url in batch request")
            if faults.batch_timeout_after_parts and number > faults.batch_timeout_after_parts:
                out.append(None)  # the batch timed out before this part ran: Meta answers null
                continue
            method = str(item.get("method", "GET")).upper()
            rel = str(item["relative_url"])
            split = urlsplit(rel if rel.startswith("/") else "/" + rel)
            part_version, parts = _split(split.path, version)
            sub = dict(parse_qsl(split.query, keep_blank_values=True))
            if item.get("body"):
                sub.update(dict(parse_qsl(str(item["body"]), keep_blank_values=True)))
            for key in ("access_token", "appsecret_proof"):
                if key not in sub and key in params:
                    sub[key] = params[key]
            if number == faults.batch_part_error_at:
                error = batch_timeout()
                reply = Reply(error.status, error.body(), {"facebook-api-version": part_version})
            else:
                reply = graph.handle(method, parts, sub, base_url, auth, part_version)
            last_headers = reply.headers
            entry: dict[str, Any] = {"code": reply.status, "body": json.dumps(reply.body)}
            if include_headers:
                entry["headers"] = [
                    {"name": k, "value": v}
                    for k, v in reply.headers.items()
                    if k
                    in (
                        "x-app-usage",
                        "x-ad-account-usage",
                        "x-business-use-case-usage",
                        "x-fb-ads-insights-throttle",
                        "facebook-api-version",
                        "www-authenticate",
                    )
                ] + [{"name": "Content-Type", "value": "application/json; charset=UTF-8"}]
            out.append(entry)
        headers = {
            k: v for k, v in last_headers.items() if k.startswith("x-app") or k == "facebook-api-version"
        }
        return Reply(200, out, headers)

    # ---- Graph --------------------------------------------------------------------------------
    async def graph_route(request: Request, path: str = "") -> Response:
        await slow()
        params = await _params(request)
        version, parts = _split(path, config.api_version)
        base_url = base_of(request)
        auth = request.headers.get("authorization")
        if request.method == "POST" and not parts and "batch" in params:
            try:
                reply = await run_in_threadpool(run_batch, params, base_url, auth, version)
            except GraphError as exc:
                reply = Reply(exc.status, exc.body())
            return respond(reply)
        reply = await run_in_threadpool(graph.handle, request.method, parts, params, base_url, auth, version)
        return respond(reply)

    app.add_api_route("/", graph_route, methods=["GET", "POST", "DELETE"], include_in_schema=False)
    app.add_api_route("/{path:path}", graph_route, methods=["GET", "POST", "DELETE"], include_in_schema=False)
    return app
