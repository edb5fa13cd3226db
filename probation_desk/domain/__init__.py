"""The rules of Probation Desk in plain Python: no Qt, no SQLAlchemy.

Every way in (window, command line, import) calls these functions through the
services layer, so each rule is written once, here.
"""
