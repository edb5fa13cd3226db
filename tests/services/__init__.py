"""Operation tests on real SQLite files and a real PostgreSQL server."""
