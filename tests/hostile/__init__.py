"""Hostile input sent through every way in (issue 8)."""
