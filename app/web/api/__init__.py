"""The JSON API for importers' ERPs (``/api/v1``), authenticated by personal API tokens."""
