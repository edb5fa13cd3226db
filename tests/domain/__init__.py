"""Domain rules, tested without a database or Qt."""
