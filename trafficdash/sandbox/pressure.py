"""What Meta answers under load: pages too heavy to serve, reach withheld for old breakdowns, the
errors of a batch that timed out part way. Deterministic: the same request meets the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .errors import GraphError, reduce_data

# Insights fields whose values are lists per action type: each weighs like several plain columns.
HEAVY_INSIGHT_FIELDS = frozenset(
    {
        "actions",
        "action_values",
        "conversions",
        "conversion_values",
        "cost_per_action_type",
        "cost_per_conversion",
        "purchase_roas",
        "website_purchase_roas",
        "video_play_actions",
        "outbound_clicks",
    }
)
HEAVY_ENTITY_FIELDS = frozenset(
    {
        "targeting",
        "creative",
        "adcreatives",
        "tracking_specs",
        "recommendations",
        "issues_info",
        "object_story_spec",
    }
)
HEAVY_WEIGHT = 3
# A page's rows x weight above this is refused; the product's pages (1,000 insight rows with four
# action fields, 500 entities) stay well below, a 5,000-row page of every action field does not.
MAX_PAGE_WEIGHT = 60_000
REACH_FIELDS = ("reach", "frequency", "cpp")


def page_weight(limit: int, fields: Iterable[str], heavy: frozenset[str], breakdowns: int = 0) -> int:
    """Rows x (1 + HEAVY_WEIGHT per heavy field + 1 per breakdown): a page's cost to Meta."""
    return limit * (1 + HEAVY_WEIGHT * sum(f in heavy for f in fields) + breakdowns)


def too_much_data() -> GraphError:
    """Meta's code 100 / 1487534 for an insights page too large to build.

    Source: Meta: Marketing API › Insights API › Limits and Best Practices
    (https://developers.facebook.com/docs/marketing-api/insights/best-practices/): "error_code = 100,
    CodeException (error subcode: 1487534)". UNVERIFIED: the page gives no message text; the text here
    is the one public clients record for the code-1 variant (keboola/ex-facebook-graph-api issue #68).
    """
    return GraphError(
        100,
        "(#100) Please reduce the amount of data you're asking for, then retry your request",
        subcode=1487534,
        status=400,
    )


def check_insights_page(limit: int, fields: Iterable[str], breakdowns: int, max_weight: int) -> None:
    if page_weight(limit, fields, HEAVY_INSIGHT_FIELDS, breakdowns) > max_weight:
        raise too_much_data()


def check_listing_page(limit: int, fields: Iterable[str], max_weight: int) -> None:
    """Entity listings too heavy for one page get code 1 / 99, as insights over too many rows do.

    UNVERIFIED: recorded responses (keboola/ex-facebook-graph-api issue #68,
    https://github.com/keboola/ex-facebook-graph-api/issues/68; macbre/farerskie-kadry-feed PR #10) show
    code 1 "Please reduce the amount of data..." WITHOUT a subcode, and code 1 / subcode 99 with the
    message "An unknown error occurred"; the sandbox (errors.reduce_data) joins subcode 99 to the
    reduce-data text. Left as is because product code may match on 1/99.
    """
    if page_weight(limit, fields, HEAVY_ENTITY_FIELDS) > max_weight:
        raise reduce_data()


def months_before(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 - months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def reach_withheld(breakdowns: tuple[str, ...], since: date, today: date) -> bool:
    """Since June 2025 Meta omits reach (and frequency, cpp) from synchronous breakdown queries whose
    range starts more than 13 months ago ("Limits and best practices").

    NO META SOURCE FOUND: searching Meta's docs (Insights best practices, Breakdowns, the Oct 2025
    "Ads Insights API Metric Availability Updates" blog) did not turn up the 13-month reach rule; only
    third-party client code comments state it ("June 2025 update: reach cannot be used with any
    breakdown for data > 13 months").
    """
    return bool(breakdowns) and since < months_before(today, 13)


def batch_timeout() -> GraphError:
    """A batch part that did not finish before the batch timed out (or depended on one that failed).

    Source: recorded response in airbytehq/airbyte
    airbyte-integrations/connectors/source-facebook-marketing/unit_tests/test_base_streams.py
    (test_execute_in_batch_retry_batch_error): code 960, type FacebookApiException, HTTP 500, this message.
    """
    return GraphError(
        960,
        "Request aborted. This could happen if a dependent request failed or the entire request timed out.",
        type_="FacebookApiException",
        status=500,
        transient=True,
    )
