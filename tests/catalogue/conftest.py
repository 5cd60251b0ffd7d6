from tests.analytics.conftest import world  # noqa: F401
