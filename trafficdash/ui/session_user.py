"""Pages ask here for the signed-in user; anonymous visitors are sent to the login page."""

from __future__ import annotations

from fastapi.responses import RedirectResponse

from trafficdash import db
from trafficdash.auth.current import signed_in_user_id
from trafficdash.models import User

LOGIN_PATH = "/login"


def page_user() -> User | None:
    user_id = signed_in_user_id()
    if user_id is None:
        return None
    with db.session_scope() as session:
        return session.get(User, user_id)


def login_redirect(next_path: str = "/") -> RedirectResponse:
    return RedirectResponse(f"{LOGIN_PATH}?next={next_path}", status_code=303)
