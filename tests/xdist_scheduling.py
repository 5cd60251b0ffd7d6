"""How pytest-xdist spreads the suite over its workers: test by test (the idle worker takes the
next one), except path groups that must stay together on one worker.

xdist's own grouping (``xdist_group`` with ``--dist loadgroup``) renames each node id through
``item._nodeid``, which pytest 9 no longer reads (it keeps ``item._id``), so it groups nothing;
the groups are named here by path instead, the way xdist's ``loadfile`` mode groups by file."""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

# Path prefix of a group -> why its tests share one worker.
GROUPS = {
    "tests/alerts/": "most restore one sandbox account synced once per worker (session fixture `synced`)",
    "tests/browser/": "each runs `trafficdash serve` and Chromium: two at once only slow each other",
}


class GroupedLoadScheduling(LoadScopeScheduling):
    """xdist's scope scheduler, with a scope per group and per test otherwise (the biggest
    scopes are handed out first, so the groups start at once on different workers)."""

    def _split_scope(self, nodeid: str) -> str:
        return next((prefix for prefix in GROUPS if nodeid.startswith(prefix)), nodeid)
