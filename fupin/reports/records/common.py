"""Column sets shared by many figures: households, cadres, units and villages listed the same way
wherever a figure counts them."""

from __future__ import annotations

from django.db.models import QuerySet

from fupin.areas.models import Area
from fupin.people.models import Cadre, Unit
from fupin.registry.models import Household
from fupin.reports.records.base import Column, Fetch, RecordSource, col, link_to, masked_id

HOUSEHOLD_COLUMNS = (
    col("户编号", "code"),
    col("户主", "head_name"),
    Column("户主身份证号", masked_id("head_id_number")),
    col("所在村", "village.name"),
    col("人口", "size"),
    col("脱贫属性（现在）", "get_poverty_status_display"),
)
HOUSEHOLD_LINK = link_to("registry:household-detail", "code")

CADRE_COLUMNS = (
    col("干部编号", "code"),
    col("姓名", "name"),
    col("单位", "unit.name"),
    col("职务", "title"),
)
CADRE_LINK = link_to("people:cadre-detail", "code")

UNIT_COLUMNS = (col("单位编码", "code"), col("单位名称", "name"), col("所在区划", "area.name"))
UNIT_LINK = link_to("people:unit-detail", "code")

VILLAGE_COLUMNS = (col("区划代码", "code"), col("村名", "name"), col("乡镇", "parent.name"))
VILLAGE_LINK = link_to("areas:detail", "code")


def households(rows: QuerySet[Household]) -> QuerySet[Household]:
    return rows.select_related("village").order_by("area_code", "code")


def cadres(rows: QuerySet[Cadre]) -> QuerySet[Cadre]:
    return rows.select_related("unit").order_by("code")


def units(rows: QuerySet[Unit]) -> QuerySet[Unit]:
    return rows.select_related("area").order_by("code")


def villages(rows: QuerySet[Area]) -> QuerySet[Area]:
    return rows.select_related("parent").order_by("code")


def household_source(fetch: Fetch) -> RecordSource:
    return RecordSource(fetch, HOUSEHOLD_COLUMNS, HOUSEHOLD_LINK)


def cadre_source(fetch: Fetch) -> RecordSource:
    return RecordSource(fetch, CADRE_COLUMNS, CADRE_LINK)
