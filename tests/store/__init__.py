"""Storage tests: migrations and opening databases."""
