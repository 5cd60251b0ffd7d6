"""Design tokens and the global look: one dark, premium palette for pages and charts."""

from __future__ import annotations

from nicegui import ui

BACKGROUND = "#0f172a"
SURFACE = "#1e293b"
SURFACE_RAISED = "#263449"
BORDER = "#334155"
TEXT = "#e2e8f0"
TEXT_MUTED = "#94a3b8"
PRIMARY = "#3b82f6"
SECONDARY = "#8b5cf6"
SUCCESS = "#10b981"
WARNING = "#f59e0b"
DANGER = "#ef4444"

# Series colours for ECharts, in the order charts use them.
CHART_PALETTE = [PRIMARY, SECONDARY, SUCCESS, WARNING, DANGER, "#06b6d4", "#ec4899", "#84cc16"]

FONT_STACK = (
    "Inter, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
)

GLOBAL_CSS = f"""
:root {{
  --td-bg: {BACKGROUND}; --td-surface: {SURFACE}; --td-surface-raised: {SURFACE_RAISED};
  --td-border: {BORDER}; --td-text: {TEXT}; --td-muted: {TEXT_MUTED};
  --td-primary: {PRIMARY}; --td-secondary: {SECONDARY};
}}
body, .q-page, .nicegui-content {{ background: var(--td-bg); color: var(--td-text); font-family: {FONT_STACK}; }}
.td-card {{ background: var(--td-surface); border: 1px solid var(--td-border); border-radius: 14px;
  box-shadow: 0 1px 2px rgba(0,0,0,.3), 0 8px 24px rgba(2,6,23,.35); }}
/* A card inside a card section: one step lighter, no second shadow. */
.td-card-inner {{ background: var(--td-surface-raised); border: 1px solid var(--td-border); border-radius: 12px; }}
.td-muted {{ color: var(--td-muted); }}
.td-gradient-text {{ background: linear-gradient(90deg, {PRIMARY}, {SECONDARY}); -webkit-background-clip: text;
  background-clip: text; color: transparent; }}
.td-header {{ background: rgba(15,23,42,.85); backdrop-filter: blur(8px); border-bottom: 1px solid var(--td-border); }}
.td-drawer {{ background: var(--td-bg); border-right: 1px solid var(--td-border); }}
.td-nav-link {{ color: var(--td-muted); border-radius: 10px; padding: 8px 12px; text-decoration: none; }}
.td-nav-link:hover {{ background: var(--td-surface); color: var(--td-text); }}
.td-nav-link.active {{ background: linear-gradient(90deg, rgba(59,130,246,.18), rgba(139,92,246,.12));
  color: var(--td-text); }}
/* A button whose work is under way: its icon turns (still for those who ask for less motion). */
@keyframes td-spin {{ to {{ transform: rotate(360deg); }} }}
.td-busy .q-icon {{ animation: td-spin 1.2s linear infinite; }}
@media (prefers-reduced-motion: reduce) {{ .td-busy .q-icon {{ animation: none; }} }}
"""


def apply_theme() -> None:
    """Call once per page, before building it."""
    ui.colors(
        primary=PRIMARY,
        secondary=SECONDARY,
        accent=SECONDARY,
        positive=SUCCESS,
        negative=DANGER,
        warning=WARNING,
        info=PRIMARY,
        dark=BACKGROUND,
        dark_page=BACKGROUND,
    )
    ui.dark_mode(True)
    ui.add_css(GLOBAL_CSS)
    ui.query("body").style(f"background-color: {BACKGROUND}")
