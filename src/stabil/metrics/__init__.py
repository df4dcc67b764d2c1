"""Metrics for operations teams: GET /metrics in the Prometheus text format."""
