"""Demo data for ``flask demo seed``; later issues extend the same command."""
