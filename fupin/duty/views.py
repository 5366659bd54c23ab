"""Pages of the duty app."""

from __future__ import annotations
