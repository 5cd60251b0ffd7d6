"""trafficdash: a self-hosted traffic dashboard for Meta (Facebook and Instagram) ads."""

__version__ = "0.1.0"
