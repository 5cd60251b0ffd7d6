"""Meta's error JSON."""

from __future__ import annotations

import secrets
from typing import Any

THROTTLE = {
    4: ("(#4) Application request limit reached", None, "OAuthException"),
    17: ("(#17) User request limit reached", 2446079, "OAuthException"),
    32: ("(#32) Page request limit reached", None, "OAuthException"),
    613: ("(#613) Calls to this api have exceeded the rate limit.", 1487742, "OAuthException"),
    80000: (
        "(#80000) There have been too many calls from this ad-account. Wait a bit and try again. "
        "For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/"
        "rate-limiting#ads-insights.",
        2446079,
        "OAuthException",
    ),
    80004: (
        "(#80004) There have been too many calls to this ad-account. Wait a bit and try again. "
        "For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/"
        "rate-limiting#ads-management.",
        2446079,
        "OAuthException",
    ),
}
for _code in range(80001, 80015):
    THROTTLE.setdefault(
        _code,
        (f"(#{_code}) There have been too many calls. Wait a bit and try again.", 2446079, "OAuthException"),
    )


def fbtrace_id() -> str:
    return secrets.token_urlsafe(8).replace("-", "A").replace("_", "B")[:11]


class GraphError(Exception):
    def __init__(
        self,
        code: int,
        message: str,
        *,
        subcode: int | None = None,
        type_: str = "OAuthException",
        transient: bool = False,
        user_title: str | None = None,
        user_msg: str | None = None,
        status: int = 400,
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.subcode, self.type = code, message, subcode, type_
        self.transient, self.user_title, self.user_msg, self.status = transient, user_title, user_msg, status

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.subcode is not None:
            err["error_subcode"] = self.subcode
        err["is_transient"] = self.transient
        if self.user_title:
            err["error_user_title"] = self.user_title
        if self.user_msg:
            err["error_user_msg"] = self.user_msg
        err["fbtrace_id"] = fbtrace_id()
        return {"error": err}


def param_error(message: str, subcode: int | None = None) -> GraphError:
    return GraphError(100, message if message.startswith("(#") else f"(#100) {message}", subcode=subcode)


def unsupported_get(node: str, method: str = "get") -> GraphError:
    return GraphError(
        100,
        f"Unsupported {method} request. Object with ID '{node}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read the "
        "Graph API documentation at https://developers.facebook.com/docs/graph-api",
        subcode=33,
        type_="GraphMethodException",
    )


def token_invalid(message: str = "Invalid OAuth access token - Cannot parse access token") -> GraphError:
    return GraphError(190, message)


def token_expired(when: str, now: str) -> GraphError:
    return GraphError(
        190,
        f"Error validating access token: Session has expired on {when}. The current time is {now}.",
        subcode=463,
        user_title="",
        user_msg="",
    )


def token_invalidated() -> GraphError:
    return GraphError(
        190,
        "Error validating access token: The session has been invalidated because the user "
        "changed their password or Facebook has changed the session for security reasons.",
        subcode=460,
    )


def no_token() -> GraphError:
    return GraphError(104, "An access token is required to request this resource.")


def permission_ads() -> GraphError:
    return GraphError(200, "(#200) Ad account owner has NOT grant ads_management or ads_read permission")


def permission_app() -> GraphError:
    return GraphError(10, "(#10) Application does not have permission for this action")


def throttled(code: int) -> GraphError:
    message, subcode, type_ = THROTTLE.get(code, THROTTLE[4])
    return GraphError(
        code,
        message,
        subcode=subcode,
        type_=type_,
        transient=True,
        user_title="Too many calls" if subcode else None,
        user_msg="There have been too many calls. Please wait a bit and try again." if subcode else None,
    )


def unknown_error() -> GraphError:
    return GraphError(1, "An unknown error occurred", subcode=99, status=500, transient=False)


def transient_error() -> GraphError:
    return GraphError(
        2, "An unexpected error has occurred. Please retry your request later.", status=500, transient=True
    )


def reduce_data() -> GraphError:
    return GraphError(
        1,
        "Please reduce the amount of data you're asking for, then retry your request",
        subcode=99,
        status=500,
    )
