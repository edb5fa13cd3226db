"""Probation Desk: toolkit NSIs, withdrawal rules, the Pre-Intervention Module and workbooks."""

__version__ = "0.1.0"
