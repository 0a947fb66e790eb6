"""The operator's side of every request: its id, its log line, its metrics; health checks."""
