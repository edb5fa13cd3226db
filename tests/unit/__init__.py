"""Unit tests of the pure domain layer (no database, no Qt)."""
