"""Helpers for tests that are not builders of data: signing in, reading pages, counting rows.

Nothing here creates business state; that is ``tests.builders`` (through the real services)
and ``tests.factories`` (rows). Test modules import from these packages, never from each
other.
"""
