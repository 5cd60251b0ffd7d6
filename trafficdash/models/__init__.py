"""Every table of the app. Import from here so Alembic sees the whole metadata."""

from trafficdash.models.accounts import AdAccount, AdAccountAccess
from trafficdash.models.alerts import Alert, AlertDelivery, AlertRule
from trafficdash.models.entities import Ad, AdSet, Campaign
from trafficdash.models.insights import BreakdownInsight, DailyInsight, PeriodReach
from trafficdash.models.reports import ReportFile, ReportFrequency, ReportStatus, ScheduledReport
from trafficdash.models.rollups import (
    AccountBreakdownRollup,
    AccountDailyRollup,
    CampaignBreakdownRollup,
    CampaignDailyRollup,
)
from trafficdash.models.schedules import AccountSchedule
from trafficdash.models.sync_runs import SyncRun, SyncStatus, SyncTrigger
from trafficdash.models.users import ApiToken, ConnectionStatus, User
from trafficdash.models.workspaces import Workspace, WorkspaceMember, WorkspaceRole

__all__ = [
    "AccountBreakdownRollup",
    "AccountDailyRollup",
    "AccountSchedule",
    "Ad",
    "AdAccount",
    "AdAccountAccess",
    "AdSet",
    "Alert",
    "AlertDelivery",
    "AlertRule",
    "ApiToken",
    "BreakdownInsight",
    "Campaign",
    "CampaignBreakdownRollup",
    "CampaignDailyRollup",
    "ConnectionStatus",
    "DailyInsight",
    "PeriodReach",
    "ReportFile",
    "ReportFrequency",
    "ReportStatus",
    "ScheduledReport",
    "SyncRun",
    "SyncStatus",
    "SyncTrigger",
    "User",
    "Workspace",
    "WorkspaceMember",
    "WorkspaceRole",
]
