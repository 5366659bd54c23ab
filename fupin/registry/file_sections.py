"""Sections of the household file (户档案) contributed by apps above the registry.

The registry renders members, income, conditions and its procedures itself. The helpers over time
(duty), and later visits (fieldwork) and problems (rectification), live in apps that depend on the
registry, so they register a section here when they load and the household page includes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fupin.core.scope import Scope
from fupin.registry.models import Household


@dataclass(frozen=True)
class FileSection:
    key: str
    title: str
    template: str
    # The template's context for one household as the scope may see it.
    context: Callable[[Scope, Household], dict[str, Any]]
    order: int = 100


_sections: dict[str, FileSection] = {}


def register_file_section(section: FileSection) -> None:
    _sections[section.key] = section


def file_sections() -> list[FileSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))
