"""Tests of the installable app: the self-test, the frozen bundle and the Debian package."""
