"""Alerts: rules, evaluation (one alert per episode), budget pacing, anomalies and delivery channels."""
