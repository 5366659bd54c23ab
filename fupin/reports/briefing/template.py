"""A briefing template as the county writes it, and its parsed form.

The body is plain text, one sentence template a line:

    # 调查研究                      a section heading (numbered 一、二、… when the briefing is written)
    全县{duty.aid_units}个单位……    a sentence; the lines of a section run on as one paragraph
                                   (an empty line starts a new paragraph)
"""

from __future__ import annotations

from dataclasses import dataclass

from fupin.reports.briefing.syntax import WORDS, TemplateError, Token, parse

TITLE_WORDS = frozenset({"area", "county", "year", "month"})
OFFICE_WORDS = frozenset({"area", "county"})


@dataclass(frozen=True)
class SectionTemplate:
    heading: str
    paragraphs: tuple[tuple[tuple[Token, ...], ...], ...]


@dataclass(frozen=True)
class BriefingTemplateText:
    """What the county edits: the title pattern, the issuing office (发文机关) and the body."""

    title: str
    office: str
    body: str


@dataclass(frozen=True)
class ParsedTemplate:
    title: tuple[Token, ...]
    office: tuple[Token, ...]
    sections: tuple[SectionTemplate, ...]


def parse_template(text: BriefingTemplateText) -> ParsedTemplate:
    """The template checked and split into slots; a TemplateError names the first line at fault."""
    if not text.title.strip():
        raise TemplateError("请填写简报标题", field_errors={"title": "请填写简报标题"})
    if not text.office.strip():
        raise TemplateError("请填写发文机关", field_errors={"office": "请填写发文机关"})
    title = _field(text.title.strip(), "title", "标题", TITLE_WORDS)
    office = _field(text.office.strip(), "office", "发文机关", OFFICE_WORDS)
    return ParsedTemplate(title=title, office=office, sections=parse_body(text.body))


def _field(value: str, name: str, label: str, words: frozenset[str]) -> tuple[Token, ...]:
    try:
        return tuple(parse(value, words=words, figures=False))
    except TemplateError as error:
        message = f"{label}：{error.message}"
        raise TemplateError(message, field_errors={name: message}) from None


def parse_body(body: str) -> tuple[SectionTemplate, ...]:
    sections: list[SectionTemplate] = []
    heading: str | None = None
    paragraphs: list[list[tuple[Token, ...]]] = []

    def close() -> None:
        if heading is not None:
            kept = tuple(tuple(p) for p in paragraphs if p)
            sections.append(SectionTemplate(heading=heading, paragraphs=kept))

    for number, raw in enumerate(body.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            close()
            heading = line.lstrip("#").strip()
            if not heading:
                _refuse(number, "标题行“#”后应写段落标题")
            paragraphs = [[]]
            continue
        if not line:
            if paragraphs and paragraphs[-1]:
                paragraphs.append([])
            continue
        if heading is None:
            _refuse(number, "第一段前应先写段落标题，例如“# 调查研究”")
        try:
            paragraphs[-1].append(tuple(parse(line, words=WORDS)))
        except TemplateError as error:
            _refuse(number, error.message)
    close()
    if not sections:
        raise TemplateError("简报正文至少应有一个段落标题和一句话", field_errors={"body": "正文为空"})
    return tuple(sections)


def _refuse(line_number: int, message: str) -> None:
    text = f"正文第{line_number}行：{message}"
    raise TemplateError(text, field_errors={"body": text})
