"""Pages ask here for the signed-in user; anonymous visitors are sent to the login page."""

from __future__ import annotations

from fastapi.responses import RedirectResponse

from trafficdash.auth.current import signed_in_user_id
from trafficdash.services.users import PageUser
from trafficdash.services.users import page_user as load_page_user
from trafficdash.ui.io import load

LOGIN_PATH = "/login"


async def page_user() -> PageUser | None:
    user_id = signed_in_user_id()
    if user_id is None:
        return None
    return await load(load_page_user, user_id)


def login_redirect(next_path: str = "/") -> RedirectResponse:
    return RedirectResponse(f"{LOGIN_PATH}?next={next_path}", status_code=303)
