"""Operations people perform, one transaction each with its audit row.

The window, the command line and imports all call these; none of them applies a
rule of its own. Results are plain dataclasses, so callers never see SQLAlchemy.
"""
