"""A briefing written from one figures document by one template.

The rules that keep it honest (issue 8): a sentence is left out when any figure it names is missing
(its section is not served, the value is empty, a map has no entries) or when every figure it names
is zero (a sentence of zeros reports no work); a paragraph with no figure left in it is left out, and
so is a section with no paragraph left. No number is ever written that is not in the document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.reports.briefing.paths import as_decimal, kind_of, value_at
from fupin.reports.briefing.syntax import MONEY_FORMATS, Slot, Token, format_value
from fupin.reports.briefing.template import ParsedTemplate, SectionTemplate

NUMERALS = "一二三四五六七八九十"
LinkMaker = Callable[[str], str | None]


@dataclass(frozen=True)
class Figure:
    """One number of the briefing: the figure path it comes from, the value in the figures document,
    the text written, and the records page behind it (None when the figure has none)."""

    path: str
    value: Any
    text: str
    url: str | None


Part = str | Figure


@dataclass(frozen=True)
class Sentence:
    parts: tuple[Part, ...]

    @property
    def text(self) -> str:
        return "".join(p.text if isinstance(p, Figure) else p for p in self.parts)

    @property
    def figures(self) -> list[Figure]:
        return [p for p in self.parts if isinstance(p, Figure)]


@dataclass(frozen=True)
class Section:
    numeral: str
    heading: str
    paragraphs: tuple[tuple[Sentence, ...], ...]


@dataclass(frozen=True)
class Briefing:
    title: str
    office: str
    date: dt.date
    area_code: str
    area_name: str
    month: str
    as_of: str
    sections: tuple[Section, ...]

    @property
    def date_text(self) -> str:
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"

    def figures(self) -> list[Figure]:
        return [
            figure
            for section in self.sections
            for paragraph in section.paragraphs
            for sentence in paragraph
            for figure in sentence.figures
        ]


def numeral(index: int) -> str:
    """一 … 十, 十一 … 十九 (a briefing has few sections)."""
    if index <= 10:
        return NUMERALS[index - 1]
    return "十" + NUMERALS[index - 11]


def scope_word(area: Area) -> str:
    if area.level == areacode.COUNTY:
        return "全县"
    if area.level == areacode.TOWN:
        return "全街道" if area.name.endswith("街道") else "全镇"
    if area.level == areacode.VILLAGE:
        return "全村"
    return f"全{area.get_level_display()}"


def compose(
    template: ParsedTemplate,
    document: dict[str, Any],
    *,
    area: Area,
    county_name: str,
    links: LinkMaker,
) -> Briefing:
    """The briefing of `area` from its figures `document` (figures_for) as `template` writes it."""
    month = str(document["month"])
    year, month_number = month.split("-")
    words = {
        "area": area.name,
        "county": county_name,
        "scope": scope_word(area),
        "year": year,
        "month": str(int(month_number)),
    }
    writer = _Writer(document, words, links)
    sections: list[Section] = []
    for section_template in template.sections:
        paragraphs = writer.paragraphs(section_template)
        if paragraphs:
            sections.append(Section(numeral(len(sections) + 1), section_template.heading, paragraphs))
    as_of = str(document["as_of"])
    return Briefing(
        title=writer.words_only(template.title),
        office=writer.words_only(template.office),
        date=dt.date.fromisoformat(as_of),
        area_code=area.code,
        area_name=area.name,
        month=month,
        as_of=as_of,
        sections=tuple(sections),
    )


class _Writer:
    def __init__(self, document: dict[str, Any], words: dict[str, str], links: LinkMaker) -> None:
        self.document = document
        self.words = words
        self.links = links

    def words_only(self, tokens: tuple[Token, ...]) -> str:
        return "".join(self.words[t.path] if isinstance(t, Slot) else t for t in tokens)

    def paragraphs(self, section: SectionTemplate) -> tuple[tuple[Sentence, ...], ...]:
        kept = []
        for paragraph in section.paragraphs:
            sentences = [s for s in (self.sentence(tokens) for tokens in paragraph) if s is not None]
            if any(s.figures for s in sentences):
                kept.append(tuple(sentences))
        return tuple(kept)

    def sentence(self, tokens: tuple[Token, ...]) -> Sentence | None:
        """The sentence, or None when a figure it names is missing or all its figures are zero."""
        parts: list[Part] = []
        for token in tokens:
            if isinstance(token, str):
                parts.append(token)
            elif token.is_word:
                parts.append(self.words[token.path])
            else:
                written = self.slot(token)
                if written is None:
                    return None
                parts.extend(written)
        figures = [p for p in parts if isinstance(p, Figure)]
        if figures and all(as_decimal(f.value) == 0 for f in figures):
            return None
        return Sentence(tuple(parts))

    def slot(self, slot: Slot) -> list[Part] | None:
        kind = kind_of(slot.path)
        assert kind is not None, "a parsed template names known figures only"
        value = value_at(self.document, slot.path)
        if value is None or value == "":
            return None
        if kind == "map":
            return self.entries(slot, value)
        return [self.figure(slot.path, value, format_value(kind, slot, value))]

    def entries(self, slot: Slot, entries: Any) -> list[Part] | None:
        """Every entry of a map with a number, as 名称N单位 joined by 、."""
        if not isinstance(entries, dict):
            return None
        parts: list[Part] = []
        for name, value in entries.items():
            if as_decimal(value) in (None, 0):
                continue
            if parts:
                parts.append("、")
            path = f"{slot.path}.{name}"
            kind = kind_of(path) or "number"
            # Money entries (solar uses) are written in the unit the list names, 元 by default.
            unit = slot.argument if slot.argument in MONEY_FORMATS else "元"
            number = format_value(kind, Slot(path, unit if kind.startswith("money:") else ""), value)
            parts += [str(name), self.figure(path, value, number), slot.argument]
        return parts or None

    def figure(self, path: str, value: Any, text: str) -> Figure:
        return Figure(path=path, value=value, text=text, url=self.links(path))
