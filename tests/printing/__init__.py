"""Printing tests: PDFs read back with pypdf."""
