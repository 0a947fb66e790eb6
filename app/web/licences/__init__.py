"""Licence pages: the vault, the operator review, the authority view."""
