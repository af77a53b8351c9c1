"""The versioned REST API (``/api/v1/``): thin endpoints over the request actions."""
