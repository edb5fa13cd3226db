"""The schema revisions this version of Probation Desk knows (Alembic's revision ids).

Kept apart so that code reading a file before SQLAlchemy is loaded (the caseload's
first page, a backup's check) can ask the version without importing the engine.
"""

from __future__ import annotations

SCHEMA_HEAD = "0015"
"""The newest migration this version knows. A test checks it matches Alembic's head."""
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008",
                   "0009", "0010", "0011", "0012", "0013", "0014", "0015")
