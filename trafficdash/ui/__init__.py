"""NiceGUI pages: theme, the shared frame, pages and components."""
