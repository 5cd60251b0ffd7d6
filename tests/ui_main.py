"""The app as NiceGUI's ``user`` fixture loads it (pytest ini ``main_file``)."""

from nicegui import ui

from trafficdash import app
from trafficdash.settings import get_settings

settings = app.build(get_settings())
ui.run(storage_secret=settings.resolved_secret_key(), title=app.TITLE, dark=True)
