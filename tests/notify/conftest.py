from tests.notify.test_email import smtp_inbox  # noqa: F401
