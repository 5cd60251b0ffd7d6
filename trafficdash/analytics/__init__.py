"""Metric formulas and the queries behind every number on screen."""
