"""Writes of the registry: households and members (households.py), the lifecycle procedures
(lifecycle.py) and relapse-prevention monitoring (monitoring.py)."""
