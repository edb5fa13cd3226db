"""Printing with ReportLab: workbooks and reports. No Qt, no database."""
