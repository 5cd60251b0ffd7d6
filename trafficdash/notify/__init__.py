"""Outgoing notifications shared by every feature (e-mail today)."""
