"""CSS of the dashboard components (cards, badges, skeletons, tables), added once per page."""

from __future__ import annotations

from nicegui import ui

from trafficdash.ui import theme

DASHBOARD_CSS = f"""
.td-kpi {{ position: relative; overflow: hidden; border-radius: 16px; padding: 16px 18px; min-height: 118px;
  background: linear-gradient(135deg, rgba(59,130,246,.16) 0%, rgba(30,41,59,1) 55%, rgba(139,92,246,.14) 100%);
  border: 1px solid rgba(148,163,184,.14); box-shadow: 0 10px 30px rgba(2,6,23,.35); }}
.td-kpi::after {{ content: ""; position: absolute; inset: 0 0 auto 0; height: 3px;
  background: linear-gradient(90deg, var(--td-accent, {theme.PRIMARY}), transparent); }}
.td-kpi-label {{ color: {theme.TEXT_MUTED}; font-size: .78rem; letter-spacing: .04em; text-transform: uppercase;
  font-weight: 600; }}
.td-kpi-value {{ color: {theme.TEXT}; font-size: 1.55rem; font-weight: 700; line-height: 1.2;
  font-variant-numeric: tabular-nums; letter-spacing: -.01em; word-break: break-word; }}
.td-kpi-prev {{ color: {theme.TEXT_MUTED}; font-size: .75rem; }}
.td-badge {{ display: inline-flex; align-items: center; gap: 2px; border-radius: 999px; padding: 2px 8px;
  font-size: .75rem; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.td-badge-good {{ background: rgba(16,185,129,.14); color: {theme.SUCCESS}; }}
.td-badge-bad {{ background: rgba(239,68,68,.14); color: {theme.DANGER}; }}
.td-badge-neutral {{ background: rgba(148,163,184,.12); color: {theme.TEXT_MUTED}; }}
.td-status {{ display: inline-flex; align-items: center; gap: 6px; border-radius: 999px; padding: 2px 10px;
  font-size: .72rem; font-weight: 600; white-space: nowrap; }}
.td-status::before {{ content: ""; width: 6px; height: 6px; border-radius: 50%; background: currentColor; }}
.td-status-active {{ background: rgba(16,185,129,.14); color: {theme.SUCCESS}; }}
.td-status-paused {{ background: rgba(245,158,11,.14); color: {theme.WARNING}; }}
.td-status-off {{ background: rgba(148,163,184,.12); color: {theme.TEXT_MUTED}; }}
.td-status-error {{ background: rgba(239,68,68,.14); color: {theme.DANGER}; }}
.td-section-title {{ color: {theme.TEXT}; font-size: 1rem; font-weight: 600; }}
.td-filterbar {{ background: rgba(30,41,59,.7); border: 1px solid {theme.BORDER}; border-radius: 14px;
  padding: 10px 12px; backdrop-filter: blur(6px); }}
.td-filterbar .q-field__native, .td-filterbar .q-field__input {{ color: {theme.TEXT}; }}
.td-table {{ background: transparent !important; }}
.td-table thead tr th {{ color: {theme.TEXT_MUTED}; font-weight: 600; font-size: .72rem; text-transform: uppercase;
  letter-spacing: .04em; background: {theme.SURFACE}; }}
.td-table tbody td {{ font-variant-numeric: tabular-nums; border-color: rgba(51,65,85,.6) !important; }}
.td-table tbody tr:hover td {{ background: rgba(59,130,246,.06); }}
.td-table .q-table__bottom {{ color: {theme.TEXT_MUTED}; border-color: rgba(51,65,85,.6); }}
.td-table td:first-child, .td-table th:first-child {{ position: sticky; left: 0; z-index: 1;
  background: {theme.SURFACE}; }}
.td-table .td-name-cell {{ min-width: 200px; max-width: 320px; white-space: normal; }}
/* On a phone the sticky name leaves room for the next columns, so the table shows it scrolls. */
@media (max-width: 599px) {{ .td-table .td-name-cell {{ min-width: 132px; max-width: 160px; }} }}
.td-table a {{ color: {theme.TEXT}; text-decoration: none; font-weight: 600; }}
.td-table a:hover {{ color: {theme.PRIMARY}; }}
.td-link {{ color: {theme.PRIMARY}; text-decoration: none; font-weight: 600; }}
.td-chip-btn {{ border-radius: 999px !important; }}
.td-kpi-grid {{ display: grid; gap: 12px; grid-template-columns: repeat(2, minmax(0, 1fr)); width: 100%; }}
@media (min-width: 640px) {{ .td-kpi-grid {{ grid-template-columns: repeat(3, minmax(0, 1fr)); }} }}
@media (min-width: 1024px) {{ .td-kpi-grid {{ grid-template-columns: repeat(4, minmax(0, 1fr)); }} }}
@media (min-width: 1680px) {{ .td-kpi-grid {{ grid-template-columns: repeat(6, minmax(0, 1fr)); }} }}
/* Values stay on one line: the font follows the card's width (container units) instead of breaking
   "R$124,897.37" in the middle on a phone. */
.td-kpi {{ container-type: inline-size; }}
.td-kpi-value {{ white-space: nowrap; font-size: min(1.55rem, 11cqi); }}
@media (max-width: 639px) {{ .td-top-label, .td-top-extra {{ display: none !important; }} }}
@media (max-width: 639px) {{ .td-kpi {{ padding: 12px 12px; min-height: 104px; }}
  .td-kpi-label {{ font-size: .68rem; }} }}
.td-country-bar {{ height: 6px; border-radius: 999px; background: linear-gradient(90deg, {theme.PRIMARY},
  {theme.SECONDARY}); }}
"""


def add_dashboard_css() -> None:
    ui.add_css(DASHBOARD_CSS)
