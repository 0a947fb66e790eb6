"""Business rules as plain functions: explicit arguments, flush, never commit."""
