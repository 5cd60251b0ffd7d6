"""What a report contains: the dashboard's filters plus level, breakdowns, format and language.

A spec is stored as JSON on each report record (and on each scheduled report), so a worker
rebuilds exactly what was asked. Scheduled reports store a date ``preset`` instead of fixed
dates: "last_7d" built next Monday means the seven days before that Monday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from trafficdash.analytics.date_presets import PRESETS, resolve_preset
from trafficdash.analytics.errors import InvalidFilters
from trafficdash.analytics.schemas import DIMENSIONS, ENTITY_SORTS, Dimension, Filters, SortOrder
from trafficdash.i18n.locales import LOCALES, normalize_locale
from trafficdash.input_types import Flag, Text

ReportFormat = Literal["xlsx", "csv"]
ReportLevel = Literal["account", "campaign", "adset", "ad"]
FORMATS: tuple[str, ...] = ("xlsx", "csv")
REPORT_LEVELS: tuple[str, ...] = ("account", "campaign", "adset", "ad")
ENTITY_LEVELS: tuple[str, ...] = ("campaign", "adset", "ad")


class ReportSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    filters: Filters
    format: ReportFormat = "xlsx"
    # The deepest table: "account" = summary and daily only; "ad" = campaigns, ad sets and ads.
    level: ReportLevel = "campaign"
    breakdowns: list[Dimension] = Field(default_factory=list)
    locale: Text = "en"
    sort: Text = "spend"
    order: SortOrder = "desc"
    # Scheduled reports: resolved to since/until when the report is built.
    preset: Text | None = None
    # Excel files opened by Excel on Windows want a byte order mark to read UTF-8.
    csv_bom: Flag = True

    @model_validator(mode="before")
    @classmethod
    def _dates_from_preset(cls, data: Any) -> Any:
        """With a preset, since/until may be left out: they are resolved at each build anyway."""
        if isinstance(data, dict) and data.get("preset") in PRESETS and isinstance(data.get("filters"), dict):
            filters = data["filters"]
            if filters.get("since") is None and filters.get("until") is None:
                since, until = resolve_preset(data["preset"], datetime.now(UTC).date())
                data = {**data, "filters": {**filters, "since": since, "until": until}}
        return data

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        loc = normalize_locale(value)
        if loc not in LOCALES:
            raise ValueError(f"unknown locale {value!r}")
        return loc

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, value: str) -> str:
        if value not in ENTITY_SORTS:
            raise ValueError(f"cannot sort by {value!r}; use one of: {', '.join(ENTITY_SORTS)}")
        return value

    @field_validator("breakdowns")
    @classmethod
    def _unique_breakdowns(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def entity_levels(self) -> list[str]:
        """The entity sheets of a workbook, from campaigns down to the chosen level."""
        if self.level == "account":
            return []
        return list(ENTITY_LEVELS[: ENTITY_LEVELS.index(self.level) + 1])

    def csv_table(self) -> str:
        """What one CSV file holds: a breakdown, the daily series, or one entity level."""
        if self.breakdowns:
            return f"breakdown:{self.breakdowns[0]}"
        return "daily" if self.level == "account" else self.level

    def resolved(self, today: date) -> ReportSpec:
        """The spec with its preset turned into dates (as of ``today``)."""
        if not self.preset:
            return self
        since, until = resolve_preset(self.preset, today)
        filters = self.filters.model_copy(update={"since": since, "until": until})
        return self.model_copy(update={"filters": Filters(**filters.model_dump())})


def parse_spec(data: dict) -> ReportSpec:
    try:
        return ReportSpec.model_validate(data)
    except InvalidFilters:
        raise
    except ValueError as exc:
        raise InvalidFilters(str(exc).splitlines()[0] if str(exc) else "invalid report") from None


__all__ = [
    "DIMENSIONS",
    "ENTITY_LEVELS",
    "FORMATS",
    "REPORT_LEVELS",
    "ReportFormat",
    "ReportLevel",
    "ReportSpec",
    "parse_spec",
]
