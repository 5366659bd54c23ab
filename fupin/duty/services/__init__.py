"""Writes of the chain of responsibility: assignments (assignments.py)."""
