"""Probation Desk tests."""
