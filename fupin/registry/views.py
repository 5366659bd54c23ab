"""Pages of the registry app."""

from __future__ import annotations
