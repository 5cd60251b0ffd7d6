"""Ad account queries shared by pages, API and jobs."""

from __future__ import annotations

from sqlalchemy import func, select

from trafficdash import db
from trafficdash.models import AdAccount


def count_ad_accounts() -> int:
    with db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(AdAccount)) or 0
