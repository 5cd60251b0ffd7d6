"""The one way a page or component does I/O: ``await load(fn, *args)``.

``fn`` (a service function that opens its own session) runs in NiceGUI's thread pool, so the event
loop keeps serving every other browser while the database (or a workbook) works. NiceGUI's
``run.io_bound`` answers ``None`` instead of raising when the app is stopping or the call was
cancelled; here that is a cancellation again, so a timer or a click handler caught by shutdown ends
quietly instead of drawing ``None`` and sleeping on through the teardown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from nicegui import run

P = ParamSpec("P")
R = TypeVar("R")


def _boxed(fn: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[R]:
    """The result in a box: a function may answer ``None`` itself; only a cancelled call has no box."""
    return (fn(*args, **kwargs),)


async def load(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``fn(*args, **kwargs)`` off the event loop; raises ``CancelledError`` when NiceGUI cancels it."""
    box = await run.io_bound(_boxed, fn, args, kwargs)
    if box is None:
        raise asyncio.CancelledError
    return box[0]
