"""Excel and CSV reports built from the analytics service (see ``reports.service``).

``build_report(report_id)`` is the worker's entry point (``jobs.tasks.build_report_task``).
"""

from trafficdash.reports.service import build_report

__all__ = ["build_report"]
