"""A database filled the way users fill it: a real sync from the sandbox (the sync tests' fixtures)."""

from tests.sandbox.conftest import clean_faults, sandbox_server  # noqa: F401
from tests.sync.conftest import waits, world  # noqa: F401
