"""The members ledger (家庭成员): key 身份证号; one person belongs to one household, and each
household has exactly one 户主, the one its 户主身份证号 names."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, When

from fupin.core import idnumber
from fupin.core.bulk import CHUNK, UpsertResult
from fupin.core.scope import Scope
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.ledgers.definitions.registry.common import (
    by_field,
    chunks,
    codes_in_scope,
    label_of,
    labels,
    number_cell,
    shown_id,
)
from fupin.registry.models import (
    REGISTERED_STATUSES,
    Health,
    Household,
    Labour,
    Member,
    MigrantWork,
    Relation,
    Sex,
)
from fupin.registry.selectors import household_list
from fupin.registry.services.households import members_upsert

RELATIONS = labels(Relation.choices)
SEXES = labels(Sex.choices)
HEALTH = labels(Health.choices)
LABOUR = labels(Labour.choices)
MIGRANT_WORK = labels(MigrantWork.choices)


class MembersLedger(Ledger):
    name = "members"
    title = "家庭成员"
    key = ("id_number",)
    depends_on = ("households",)
    columns = (
        Column("household_code", "户编号", "household_code", v.text, required=True),
        Column("name", "姓名", "name", v.text, required=True),
        Column("id_number", "身份证号", "id_number", v.id_number, required=True, help="18位，请设为文本格式"),
        Column(
            "relation", "与户主关系", "relation", v.choice(RELATIONS), required=True, options=tuple(RELATIONS)
        ),
        Column(
            "sex",
            "性别",
            "sex",
            v.choice(SEXES),
            options=tuple(SEXES),
            help="须与身份证号第17位一致（奇数为男）",
        ),
        Column("ethnicity", "民族", "ethnicity", v.text),
        Column("education", "文化程度", "education", v.text),
        Column("schooling", "在校生状况", "schooling", v.text),
        Column("health", "健康状况", "health", v.choice(HEALTH), options=tuple(HEALTH)),
        Column("labour", "劳动技能", "labour", v.choice(LABOUR), options=tuple(LABOUR)),
        Column(
            "migrant_work", "务工状况", "migrant_work", v.choice(MIGRANT_WORK), options=tuple(MIGRANT_WORK)
        ),
        Column("months_worked", "务工时间", "months_worked", v.integer(0, 12), help="月，0–12"),
    )
    example = {
        "户编号": "6107271002000001",
        "姓名": "王建国",
        "身份证号": "610727198001010015",
        "与户主关系": "户主",
        "性别": "男",
        "民族": "汉族",
        "文化程度": "初中",
        "在校生状况": "非在校生",
        "健康状况": "健康",
        "劳动技能": "普通劳动力",
        "务工状况": "县内务工",
        "务工时间": "6",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        sex, number = row.values["sex"], row.values["id_number"]
        if sex is not None and label_of(SEXES, sex) != idnumber.sex_of(number):
            errors.add(
                row.number,
                "sex",
                label_of(SEXES, sex),
                f"与身份证号第17位不符（按身份证号应为{idnumber.sex_of(number)}）",
            )

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        households = by_field(
            Household.objects.only("pk", "code", "head_id_number"),
            "code",
            (r.values["household_code"] for r in rows),
        )
        visible = (
            set(households) if context.scope.is_everything else codes_in_scope(context.scope, households)
        )
        for row in rows:
            code = row.values["household_code"]
            if code not in households:
                errors.add(
                    row.number, "household_code", code, "户编号不存在（数据库和已导入的贫困户台账中都没有）"
                )
            elif code not in visible:
                errors.add(row.number, "household_code", code, "该户不在您的管辖范围内")
            else:
                row.refs["household"] = households[code]
        resolved = [r for r in rows if "household" in r.refs]
        self._check_one_household_each(resolved, errors)
        self._check_heads(resolved, errors)

    def _check_one_household_each(self, rows: list[ParsedRow], errors: RowErrors) -> None:
        """A person stored as a member of another household is not moved silently: the row names it.
        (The same number twice in the file is the engine's repeated-key error, naming the first row.)"""
        stored = Member.objects.values_list("id_number", "household__code")
        holders: dict[str, str] = {}
        for chunk in chunks(r.values["id_number"] for r in rows):
            holders.update(stored.filter(id_number__in=chunk))
        for row in rows:
            holder = holders.get(row.values["id_number"])
            if holder is not None and holder != row.values["household_code"]:
                errors.add(
                    row.number,
                    "id_number",
                    row.values["id_number"],
                    f"已是户 {holder} 的成员（一人只能属于一户；请先在原户中处理）",
                )

    def _check_heads(self, rows: list[ParsedRow], errors: RowErrors) -> None:
        """Each household the file touches ends with exactly one 户主, whose 身份证号 is the
        household's 户主身份证号: heads in the file plus stored heads the file does not re-list."""
        for heads in _heads_by_household(rows, errors.all_rows):
            code, listed, kept = heads.household.code, heads.listed, heads.kept
            count = len(listed) + len(kept)
            if count == 0:
                message = f"户 {code} 没有户主（每户须有且只有一名户主）"
                errors.add(heads.first_row.number, "household_code", code, message)
            elif count > 1:
                where = "、".join(f"第{r.number}行" for r in listed) + ("及已登记的户主" if kept else "")
                for row in listed:
                    message = f"户 {code} 有{count}名户主（{where}），每户只能有一名户主"
                    errors.add(row.number, "relation", "户主", message)
            else:
                number = listed[0].values["id_number"] if listed else kept[0]
                if number is not None and number != heads.household.head_id_number:
                    at_row = listed[0] if listed else heads.first_row
                    who = "" if listed else f"已登记的户主 {idnumber.mask(number)} "
                    expected = idnumber.mask(heads.household.head_id_number)
                    message = f"{who}与户 {code} 的户主身份证号 {expected} 不一致"
                    errors.add(at_row.number, "id_number", at_row.values["id_number"], message)

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        fields = [c.key for c in self.columns if c.key != "household_code"]
        return members_upsert(
            actor=context.actor,
            rows=[{"household": r.refs["household"], **{key: r.values[key] for key in fields}} for r in rows],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        households = household_list(scope).filter(poverty_status__in=REGISTERED_STATUSES)
        members = (
            Member.objects.filter(household__in=households)
            .select_related("household")
            # The head first, as on the paper form; then the order the members were entered in.
            .annotate(head_first=Case(When(relation=Relation.HEAD, then=0), default=1))
            .order_by("household__code", "head_first", "id")
        )
        for member in members.iterator(chunk_size=2000):
            yield {
                "household_code": member.household.code,
                "name": member.name,
                "id_number": shown_id(member.id_number, scope),
                "relation": label_of(RELATIONS, member.relation),
                "sex": label_of(SEXES, member.sex),
                "ethnicity": member.ethnicity,
                "education": member.education,
                "schooling": member.schooling,
                "health": label_of(HEALTH, member.health),
                "labour": label_of(LABOUR, member.labour),
                "migrant_work": label_of(MIGRANT_WORK, member.migrant_work),
                "months_worked": number_cell(member.months_worked),
            }


@dataclass
class _Heads:
    household: Household
    # The household's first row in the file, where a missing head is reported.
    first_row: ParsedRow
    # Rows of the file that make someone its head, and stored heads the file does not re-list.
    listed: list[ParsedRow] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _heads_by_household(rows: list[ParsedRow], all_rows: list[ParsedRow]) -> list[_Heads]:
    """The heads of each household that `rows` (resolved) touch, counted over every row of the file.

    A household with a row whose 与户主关系 could not be read is left out: that row may be its
    head, and its own error already rejects the file.
    """
    by_code: dict[str, _Heads] = {}
    for row in rows:
        code = row.values["household_code"]
        if code not in by_code:
            by_code[code] = _Heads(household=row.refs["household"], first_row=row)
    unreadable = {r.values["household_code"] for r in all_rows if r.values["relation"] is None}
    for row in all_rows:
        heads = by_code.get(row.values["household_code"])
        if heads is not None and row.values["relation"] == Relation.HEAD:
            heads.listed.append(row)
    in_file = {r.values["id_number"] for r in all_rows if r.values["id_number"]}
    code_of = {heads.household.pk: code for code, heads in by_code.items()}
    for chunk in _id_chunks(list(code_of)):
        stored = Member.objects.filter(household_id__in=chunk, relation=Relation.HEAD)
        for household_id, number in stored.values_list("household_id", "id_number"):
            if number not in in_file:
                by_code[code_of[household_id]].kept.append(number)
    return [heads for code, heads in by_code.items() if code not in unreadable]


def _id_chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
