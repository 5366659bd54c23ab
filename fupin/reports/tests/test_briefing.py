"""The briefing (工作简报): its numbers are the figures document's, sections without data are left
out, templates are checked and versioned, the files open, and only area-wide roles of the area see it."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document

from fupin.areas.models import Area
from fupin.conftest import SYSTEM, County, Personas
from fupin.core.audit import Actor
from fupin.core.exceptions import ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.rectification.models import Channel, Origin, Problem, ProblemCategory, ProblemStatus
from fupin.registry.models import Household
from fupin.reports.briefing.compose import Briefing
from fupin.reports.briefing.defaults import DEFAULT_TEMPLATE
from fupin.reports.briefing.paths import value_at
from fupin.reports.briefing.selectors import briefing_for
from fupin.reports.briefing.services import briefing_template_save
from fupin.reports.briefing.syntax import Slot, TemplateError, format_value, parse
from fupin.reports.briefing.template import BriefingTemplateText, parse_template
from fupin.reports.briefing.writers import soffice_path, to_docx, to_html_body, to_markdown, to_pdf
from fupin.reports.links import records_url
from fupin.reports.models import BriefingTemplate
from fupin.reports.tests.test_figures import COUNTY, TOWN_B, ledger_set  # noqa: F401  (a fixture)

MONTH = "2019-11"
D = dt.date
OFFICE = Scope(role=Role.OFFICE_STAFF, area_prefixes=("610727",), root_area_code=COUNTY)


@pytest.fixture
def problems(county: County, ledger_set: dict[str, Household]) -> list[Problem]:  # noqa: F811
    medical = ProblemCategory.objects.create(county=county.county, name="医疗保障", order=1)
    housing = ProblemCategory.objects.create(county=county.county, name="住房安全", order=2)

    def problem(code: str, category: ProblemCategory, area: Area, channel: str, **more: Any) -> Problem:
        return Problem.objects.create(
            code=code,
            channel=channel,
            origin=Origin.SELF,
            category=category,
            description=f"问题{code}",
            area=area,
            found_date=more.pop("found", D(2019, 10, 1)),
            **more,
        )

    return [
        problem("P1", medical, county.village_a1, Channel.TALK),
        problem("P2", medical, county.village_a1, Channel.SYMPOSIUM, deadline=D(2019, 11, 1)),
        problem(
            "P3",
            housing,
            county.village_a2,
            Channel.TALK,
            status=ProblemStatus.CLOSED,
            completed_date=D(2019, 11, 10),
            closed_date=D(2019, 11, 20),
        ),
        problem(
            "P4",
            housing,
            county.town_a,
            Channel.TALK,
            status=ProblemStatus.RECTIFIED,
            completed_date=D(2019, 11, 5),
        ),
        problem("P5", housing, county.village_a1, Channel.TALK, found=D(2019, 12, 3)),  # after as_of
    ]


def figures_json(area: str, month: str = MONTH) -> dict[str, Any]:
    out = StringIO()
    call_command("figures", area=area, month=month, format="json", stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def county_briefing() -> Briefing:
    return briefing_for(Area.objects.get(code=COUNTY), MONTH)


# --- the numbers are the figures document's ---------------------------------------------------


@pytest.mark.usefixtures("problems")
def test_every_number_of_the_briefing_is_the_figure_it_names() -> None:
    briefing = county_briefing()
    document = figures_json(COUNTY)
    figures = briefing.figures()
    assert len(figures) >= 15
    for figure in figures:
        assert figure.value == value_at(document, figure.path), figure.path
    named = {f.path: f.value for f in figures}
    # Hand counts of the ledger set (test_figures) and the problems above.
    assert named["registry.households"] == 6
    assert named["duty.paired_cadres"] == 2  # G3 (H1, H2), G5 (H8)
    assert named["rectification.found"] == 4
    assert named["rectification.rectified"] == 2
    assert named["rectification.by_category.医疗保障"] == 2
    assert named["rectification.by_channel.个别谈话"] == 3

    markdown = to_markdown(briefing)
    body = markdown.split("## ", 1)[1]
    for section in briefing.sections:
        for paragraph in section.paragraphs:
            for sentence in paragraph:
                assert sentence.text in body
                # With every figure's text taken out, no digit is left: no number is made up.
                rest = "".join(p for p in sentence.parts if isinstance(p, str))
                assert not re.search(r"\d", rest), sentence.text
    assert "检视问题4条，已整改2条，已销号1条" in markdown
    assert "按问题类别分，涉及医疗保障2条、住房安全2条。" in markdown
    assert "None" not in markdown


@pytest.mark.usefixtures("problems")
def test_sections_are_numbered_in_order_with_the_seed_headings() -> None:
    briefing = county_briefing()
    headings = [f"{s.numeral}、{s.heading}" for s in briefing.sections]
    assert headings[:3] == ["一、调查研究", "二、问题检视", "三、问题整改"]
    assert briefing.title == "略阳县脱贫攻坚工作简报（2019年11月）"
    assert briefing.office == "略阳县脱贫攻坚领导小组办公室"
    assert briefing.date_text == "2019年11月30日"


@pytest.mark.usefixtures("ledger_set")
def test_an_area_with_no_problems_has_no_inspection_or_rectification_section() -> None:
    briefing = county_briefing()
    headings = [s.heading for s in briefing.sections]
    assert headings[0] == "调查研究"
    assert "问题检视" not in headings and "问题整改" not in headings
    markdown = to_markdown(briefing)
    assert "检视问题" not in markdown and "二、调查研究" not in markdown
    assert "None" not in markdown
    # No figure written is a zero made into a sentence (all-zero sentences are left out).
    for sentence in (s for sec in briefing.sections for p in sec.paragraphs for s in p):
        assert any(f.value != 0 for f in sentence.figures) or not sentence.figures


@pytest.mark.usefixtures("problems")
def test_a_sentence_naming_a_missing_figure_is_left_out() -> None:
    template = parse_template(
        BriefingTemplateText(
            title="{area}简报",
            office="办公室",
            body=(
                "# 年度指标\n农业总产值{indicators.NY99.ytd}万元。\n"
                "# 问题\n检视问题{rectification.found}条。\n"
            ),
        )
    )
    from fupin.reports.briefing.compose import compose
    from fupin.reports.selectors import figures_for

    county = Area.objects.get(code=COUNTY)
    briefing = compose(
        template, figures_for(county, MONTH), area=county, county_name="略阳县", links=lambda p: None
    )
    assert [s.heading for s in briefing.sections] == ["问题"]
    assert to_markdown(briefing).count("## ") == 1


# --- template syntax and saving -----------------------------------------------------------------


def test_an_unknown_figure_path_is_refused_naming_it() -> None:
    with pytest.raises(TemplateError, match=r"统计项“registry\.poor_famlies”不存在"):
        parse("全县{registry.poor_famlies}户")
    with pytest.raises(TemplateError, match="是金额，应注明单位"):
        parse("{finance.integrated_fund_fen}")
    with pytest.raises(TemplateError, match="不成对的花括号"):
        parse("全县{registry.households户")
    with pytest.raises(TemplateError, match="正文第3行"):
        parse_template(BriefingTemplateText("t", "o", "# 一\n好\n{duty.nothing}\n"))
    assert parse("{rectification.by_category.医疗保障}") == [Slot("rectification.by_category.医疗保障")]
    assert parse("{fieldwork.quota.帮扶干部.met}") == [Slot("fieldwork.quota.帮扶干部.met")]


def test_formats_write_money_ratios_and_the_seeds_round_numbers() -> None:
    assert format_value("money:分", Slot("x", "亿元"), 149_000_000_00) == "1.49"
    assert format_value("money:分", Slot("x", "万元"), 137_0000_00) == "137"
    assert format_value("money:分", Slot("x", "元"), 12345) == "123.45"
    assert format_value("money:万元", Slot("x", "亿元"), 53000) == "5.3"
    assert format_value("ratio", Slot("x", "percent"), 0.5889) == "58.9%"
    assert format_value("number", Slot("x", "余"), 523) == "500余"
    assert format_value("number", Slot("x", "余"), 2600) == "2600"
    assert format_value("kw", Slot("x", "兆瓦"), "20000.00") == "20"


def test_the_shipped_template_is_valid() -> None:
    parsed = parse_template(DEFAULT_TEMPLATE)
    assert [s.heading for s in parsed.sections] == ["调查研究", "问题检视", "问题整改", "产业就业"]


@pytest.mark.django_db
def test_saving_a_template_is_versioned_and_a_stale_edit_is_refused() -> None:
    actor = Actor.system("测试")
    text = BriefingTemplateText("{area}简报", "{county}扶贫办", "# 调查研究\n全县{registry.households}户。\n")
    saved = briefing_template_save(
        actor=actor, scope=OFFICE, county_code=COUNTY, text=text, expected_version=0
    )
    assert saved.version == 1
    changed = BriefingTemplateText("{area}月报", text.office, text.body)
    second = briefing_template_save(
        actor=actor, scope=OFFICE, county_code=COUNTY, text=changed, expected_version=1
    )
    assert second.version == 2
    with pytest.raises(ConflictError, match="已被他人修改"):
        briefing_template_save(actor=actor, scope=OFFICE, county_code=COUNTY, text=text, expected_version=1)
    with pytest.raises(ConflictError):  # a second "first" template of the county
        briefing_template_save(actor=actor, scope=OFFICE, county_code=COUNTY, text=text, expected_version=0)
    assert BriefingTemplate.objects.get(county_code=COUNTY).title == "{area}月报"
    assert ChangeLog.objects.filter(object_type="reports.briefingtemplate").count() == 2
    with pytest.raises(TemplateError, match=r"registry\.nope"):
        bad = BriefingTemplateText("t", "o", "# 一\n{registry.nope}\n")
        briefing_template_save(actor=actor, scope=OFFICE, county_code=COUNTY, text=bad, expected_version=2)
    town = Scope(role=Role.TOWN_OFFICIAL, area_prefixes=("610727100",), root_area_code="610727100000")
    with pytest.raises(PermissionDenied):
        briefing_template_save(actor=actor, scope=town, county_code=COUNTY, text=text, expected_version=2)


@pytest.mark.usefixtures("problems")
def test_the_county_template_writes_the_briefing() -> None:
    text = BriefingTemplateText(
        "{area}{year}年第{month}期简报", "{county}扶贫办", "# 问题检视\n共检视问题{rectification.found}条。\n"
    )
    briefing_template_save(actor=SYSTEM, scope=OFFICE, county_code=COUNTY, text=text, expected_version=0)
    town = briefing_for(Area.objects.get(code="610727100000"), MONTH)
    assert town.title == "兴州街道2019年第11期简报"
    assert town.office == "略阳县扶贫办"
    assert to_markdown(town).count("共检视问题4条。") == 1  # P1, P2, P3 in its villages, P4 itself


# --- the files ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("problems")
def test_the_word_file_has_title_office_date_and_headings_in_order() -> None:
    briefing = county_briefing()
    document = Document(io.BytesIO(to_docx(briefing)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == briefing.title
    assert texts[1] == "略阳县脱贫攻坚领导小组办公室\t2019年11月30日"
    headings = [t for t in texts if re.match(r"^[一二三四五六七八九十]+、", t)]
    assert headings == [f"{s.numeral}、{s.heading}" for s in briefing.sections]
    body = document.paragraphs[3]
    fonts = body.runs[0]._element.rPr.rFonts
    assert (
        fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋_GB2312"
    )
    assert body.runs[0].font.size.pt == 16
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37


@pytest.mark.skipif(
    soffice_path() is None or shutil.which("pdftotext") is None, reason="需要 LibreOffice 和 poppler-utils"
)
@pytest.mark.usefixtures("problems")
def test_the_pdf_is_the_word_file_through_libreoffice(tmp_path: Path) -> None:
    briefing = county_briefing()
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(to_pdf(briefing))
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    squeezed = re.sub(r"\s", "", text)
    assert re.sub(r"\s", "", briefing.title) in squeezed
    assert "一、调查研究" in squeezed


@pytest.mark.usefixtures("problems")
def test_html_links_every_figure_to_its_records_page() -> None:
    briefing = county_briefing()
    html = to_html_body(briefing)
    links = re.findall(r'<a class="figure" href="([^"]+)" data-figure="([^"]+)">([^<]*)</a>', html)
    figures = briefing.figures()
    assert len(links) == len(figures) >= 15
    for (href, path, text), figure in zip(links, figures, strict=True):
        assert href.replace("&amp;", "&") == records_url(COUNTY, MONTH, None, figure.path)
        assert (path, text) == (figure.path, figure.text)
    assert "/reports/records/?area=610727000000&amp;month=2019-11&amp;figure=rectification.found" in html
    assert "figure=rectification.by_category.%E5%8C%BB%E7%96%97%E4%BF%9D%E9%9A%9C" in html  # 医疗保障


# --- the command -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("problems")
def test_the_command_writes_markdown_and_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = StringIO()
    call_command("briefing", area=COUNTY, month=MONTH, form="md", stdout=out)
    assert out.getvalue().startswith("# 略阳县脱贫攻坚工作简报（2019年11月）")
    assert "检视问题4条" in out.getvalue()
    out = StringIO()
    call_command("briefing", area=COUNTY, month=MONTH, form="html", stdout=out)
    assert out.getvalue().startswith("<!doctype html>")
    assert "<h2>二、问题检视</h2>" in out.getvalue()
    monkeypatch.chdir(tmp_path)
    out = StringIO()
    call_command("briefing", "--area", COUNTY, "--month", MONTH, "--format", "docx", stdout=out)
    written = tmp_path / f"{COUNTY}-{MONTH}.docx"
    assert out.getvalue().strip() == written.name
    assert Document(str(written)).paragraphs[0].text.startswith("略阳县脱贫攻坚工作简报")


@pytest.mark.django_db
def test_command_errors_are_in_chinese(county: County) -> None:
    with pytest.raises(CommandError, match="缺少参数 --month"):
        call_command("briefing", "--area", COUNTY, "--format", "md")
    with pytest.raises(CommandError, match="格式“xls”无效"):
        call_command("briefing", "--area", COUNTY, "--month", MONTH, "--format", "xls")
    with pytest.raises(CommandError, match="月份“2019-13”无效"):
        call_command("briefing", "--area", COUNTY, "--month", "2019-13", "--format", "md")
    with pytest.raises(CommandError, match="区划代码 610799000000 不存在"):
        call_command("briefing", "--area", "610799000000", "--month", MONTH, "--format", "md")
    with pytest.raises(CommandError, match="无法识别的参数：--bogus"):
        call_command("briefing", "--area", COUNTY, "--month", MONTH, "--format", "md", "--bogus")


# --- the web ---------------------------------------------------------------------------------------


@pytest.mark.usefixtures("problems")
def test_the_briefing_page_and_its_downloads_for_area_wide_roles(personas: Personas) -> None:
    url = reverse("briefing-download")
    page = personas.client("county_leader").get(url, {"area": COUNTY, "month": MONTH})
    assert page.status_code == 200
    text = page.content.decode()
    assert "一、调查研究" in text and 'data-figure="rectification.found">4<' in text
    assert "format=docx" in text and "format=pdf" in text and "format=md" in text
    word = personas.client("office_staff").get(url, {"area": COUNTY, "month": MONTH, "format": "docx"})
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Document(io.BytesIO(word.content)).paragraphs[0].text == "略阳县脱贫攻坚工作简报（2019年11月）"
    markdown = personas.client("town_official").get(url, {"month": MONTH, "format": "md"})
    assert markdown.content.decode().startswith("# 兴州街道脱贫攻坚工作简报")


@pytest.mark.usefixtures("problems")
def test_the_briefing_is_refused_outside_the_scope_or_role(personas: Personas) -> None:
    url = reverse("briefing-download")
    query = {"area": COUNTY, "month": MONTH, "format": "md"}
    for persona in ("work_team", "paired_cadre", "unit_user", "public", "outsider"):
        response = personas.client(persona).get(url, query)
        assert response.status_code == 403, persona
        assert b"# " not in response.content
    # A town official sees their town, not the county nor the other town.
    assert personas.client("town_official").get(url, query).status_code == 403
    assert personas.client("town_official").get(url, query | {"area": TOWN_B}).status_code == 403
    bad = personas.client("county_admin").get(url, {"area": COUNTY, "month": "2019-13"})
    assert bad.status_code == 400 and "月份“2019-13”无效" in bad.content.decode()


def test_the_template_page_is_the_county_offices(personas: Personas) -> None:
    url = reverse("briefing-templates")
    for persona in ("county_leader", "town_official", "work_team", "public"):
        assert personas.client(persona).get(url).status_code == 403, persona
    # The other county's office edits its own template, not this county's.
    assert personas.client("outsider").get(url, {"county": COUNTY}).status_code == 403
    assert personas.client("outsider").post(url, {"county": COUNTY, "version": "0"}).status_code == 403
    office = personas.client("office_staff")
    page = office.get(url)
    assert page.status_code == 200 and "平台默认模板" in page.content.decode()
    form = {
        "title": "{area}简报",
        "office": "{county}扶贫办",
        "body": "# 调查研究\r\n全县{registry.households}户。\r\n",
    }
    refused = office.post(url, form | {"body": "# 一\n{registry.housholds}\n", "version": "0"})
    assert refused.status_code == 400
    assert "统计项“registry.housholds”不存在" in refused.content.decode()
    assert office.post(url, form | {"version": "0"}).status_code == 302
    assert (
        BriefingTemplate.objects.get(county_code=COUNTY).body == "# 调查研究\n全县{registry.households}户。"
    )
    stale = personas.client("county_admin").post(url, form | {"title": "别的", "version": "0"})
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()
    assert BriefingTemplate.objects.get(county_code=COUNTY).title == "{area}简报"


@pytest.mark.django_db
def test_while_figures_are_being_built_the_page_says_so(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fupin.reports.briefing import views
    from fupin.reports.selectors import FiguresPending

    def pending(*args: object) -> None:
        raise FiguresPending("统计生成中")

    monkeypatch.setattr(views, "briefing_for", pending)
    response = personas.client("county_leader").get(reverse("briefing-download"), {"month": MONTH})
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "统计生成中" in response.content.decode()


def test_a_bad_command_line_is_refused_in_chinese() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fupin", "briefing", "--area", COUNTY, "--bogus"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "参数错误：无法识别的参数：--bogus" in done.stderr


def test_the_overview_page_has_the_briefing_button_for_area_wide_roles(personas: Personas) -> None:
    page = personas.client("town_official").get(reverse("home")).content.decode()
    assert 'data-testid="briefing-button" href="/reports/briefing/?area=610727100000&amp;month="' in page
    assert "briefing-button" not in personas.client("work_team").get(reverse("home")).content.decode()
