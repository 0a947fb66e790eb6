"""Running Corridor as an operator sees it: JSON logs with request ids, Prometheus metrics.

Nothing here knows a business rule: the web layer, the jobs and the CLI report into it.
"""
