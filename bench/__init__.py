"""Benchmarks: scripts that print ``BENCH <name> <value> <unit>`` lines (see docs/BENCHMARKS.md)."""
