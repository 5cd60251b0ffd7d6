"""Insights fields beyond the core ones insights.format_row writes, derived from the same columns.

A catalogue field (fields.READABLE["AdsInsights"]) with no value here or in format_row is omitted
from rows, as Meta omits metrics that do not apply to an object.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .delivery import COL
from .hashing import pick
from .world import Ad

RANKINGS = ["ABOVE_AVERAGE", "AVERAGE", "AVERAGE", "BELOW_AVERAGE_35"]
RANKED = ("quality_ranking", "engagement_rate_ranking", "conversion_rate_ranking")
MIN_RANKED_IMPRESSIONS = 500  # Meta ranks ads only above a few hundred impressions


def _num(x: float) -> str:
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def extra_metric(name: str, vec: np.ndarray, ad: Ad | None) -> Any:
    """The value of an extra insights field for a row's summed columns, or None when it has none."""
    impressions = int(vec[COL["impressions"]])
    link = int(vec[COL["inline_link_clicks"]])
    engagement = int(vec[COL["post_engagement"]])
    spend = int(vec[COL["spend"]]) / 100.0
    if name == "inline_post_engagement":
        return str(engagement)
    if name == "cost_per_inline_post_engagement":
        return _num(spend / engagement) if engagement else None
    if name == "outbound_clicks":
        return [{"action_type": "outbound_click", "value": str(link)}] if link else None
    if name in ("outbound_clicks_ctr", "website_ctr"):
        kind = "outbound_click" if name == "outbound_clicks_ctr" else "link_click"
        return [{"action_type": kind, "value": _num(link / impressions * 100)}] if impressions else None
    if name == "cost_per_outbound_click":
        return [{"action_type": "outbound_click", "value": _num(spend / link)}] if link else None
    if name == "video_play_actions":
        video = int(vec[COL["video_view"]])
        return [{"action_type": "video_view", "value": str(video)}] if video else None
    if name in RANKED and ad is not None:
        if impressions < MIN_RANKED_IMPRESSIONS:
            return "UNKNOWN"
        return pick(RANKINGS, name, ad.key)
    return None
