"""Meta Graph API emulator: deterministic demo data, Graph wire behaviour, fault injection.

Imports nothing from the rest of trafficdash: it is Meta's side of the wire.
"""

from .app import create_sandbox_app
from .config import API_VERSION, FaultConfig, SandboxConfig
from .users import sandbox_app_credentials, sandbox_users

__all__ = [
    "API_VERSION",
    "FaultConfig",
    "SandboxConfig",
    "create_sandbox_app",
    "sandbox_app_credentials",
    "sandbox_users",
]
