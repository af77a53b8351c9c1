"""Prometheus Alertmanager in: its webhook per integration, one request per alert group
(docs/alerts.md)."""
