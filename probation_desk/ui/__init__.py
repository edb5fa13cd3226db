"""The Qt window: widgets, table models, dialogs and background tasks (no SQLAlchemy)."""
