"""The check-ins ledger (ledgers.md, checkins 驻村打卡): check-ins kept in Excel, or exported by
another system, imported with the same checks and the same validity verdict as the phone and the API.

Each row names its cadre, its place (a town for 驻镇, a village otherwise) and for 入户 its household
by code. The row checks are the recording service's (`checkin_problems`), the importing user must
be allowed to record in the row's area, and every row is judged by one `CheckInJudge` preloaded
with the pairings and work teams of the chunk's cadres, so that a county month of check-ins costs a
few queries per chunk instead of a few per row.

A row whose 记录编号 exists updates that check-in when it came from a ledger; a check-in made on a
phone or through the API is proof of presence as the phone reported it, so a row may repeat it
(an exported file imports back unchanged) but not alter it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.models import TimestampedModel
from fupin.core.scope import Scope
from fupin.fieldwork.models import CheckIn, CheckInKind, CheckInSource
from fupin.fieldwork.selectors.checkins import checkin_list
from fupin.fieldwork.services.checkins import CheckInJudge, checkin_problems, checkins_upsert, may_record_for
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.people.models import Cadre
from fupin.registry.models import Household

KIND_LABELS = {str(label): value for value, label in CheckInKind.choices}
_KIND_NAMES = {value: label for label, value in KIND_LABELS.items()}
CODE_MAX_LENGTH = CheckIn._meta.get_field("code").max_length or 64
ACCURACY_MAX = 9_999_999.9  # the largest the column holds
JUDGE = "checkins:judge"
AREA_FIELDS = ("code", "name", "level", "longitude", "latitude")
M = TypeVar("M", bound=TimestampedModel)


def _known(context: ImportContext, source: QuerySet[M], codes: set[str]) -> dict[str, M]:
    """Records by code, remembered for the rest of the import: a month of check-ins names the same
    cadres, places and households chunk after chunk. Only the fields the checks and the verdict
    read are loaded."""
    known: dict[str, M] = context.state.setdefault(f"checkins:{source.model.__name__}", {})
    missing = sorted(code for code in codes if code not in known)
    if missing:
        known.update(fetch_by_key(source, "code", missing))
    return known


def _decimal_cell(value: Decimal | None) -> str:
    return "" if value is None else str(value)


class CheckInsLedger(Ledger):
    name = "checkins"
    title = "驻村打卡"
    key = ("code",)
    depends_on = ("areas", "cadres", "households", "pairings", "work-teams")
    # Nothing in a row needs another row (keys are still checked across the file): a province's
    # month of check-ins is read a chunk at a time.
    streaming = True
    columns = (
        Column("code", "记录编号", "code", v.text, required=True, help="每条打卡记录的编号，不能重复"),
        Column("cadre_code", "干部编号", "cadre_code", v.text, required=True),
        Column("date", "日期", "date", v.date, required=True),
        Column("time", "时间", "time", v.time_of_day, help="HH:MM"),
        Column("kind", "类型", "kind", v.choice(KIND_LABELS), required=True, options=tuple(KIND_LABELS)),
        Column(
            "area_code",
            "区划代码",
            "area_code",
            v.code(12),
            required=True,
            help="驻镇填乡镇的12位代码，驻村、入户填村的代码",
        ),
        Column("household_code", "户编号", "household_code", v.text, help="入户必填，须是该村的户"),
        Column("longitude", "经度", "longitude", v.longitude, help="打卡地点，WGS-84"),
        Column("latitude", "纬度", "latitude", v.latitude),
        Column(
            "accuracy_m",
            "定位精度",
            "accuracy_m",
            v.decimal(0, ACCURACY_MAX, places=1),
            help="米，手机报告的精度；0 表示虚拟定位",
        ),
        Column("notes", "工作内容", "notes", v.text),
    )
    example = {
        "记录编号": "DK2019110001",
        "干部编号": "G0001",
        "日期": "2019-11-05",
        "时间": "09:30",
        "类型": "入户",
        "区划代码": "610727100201",
        "户编号": "H0001",
        "经度": "106.172",
        "纬度": "33.342",
        "定位精度": "15",
        "工作内容": "走访了解收入情况",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        values = row.values
        if len(values["code"]) > CODE_MAX_LENGTH:
            errors.add(row.number, "code", values["code"], f"记录编号不能超过{CODE_MAX_LENGTH}个字符")
        if values["kind"] == CheckInKind.HOUSEHOLD and not values["household_code"]:
            errors.add(row.number, "household_code", "", "入户打卡须填写户编号")

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        cadres = _known(context, Cadre.objects.only("code", "name"), {r.values["cadre_code"] for r in rows})
        areas = _known(
            context,
            Area.objects.only(*AREA_FIELDS),
            {r.values["area_code"] for r in rows},
        )
        households = _known(
            context,
            Household.objects.select_related("village").only(
                "code", "longitude", "latitude", *(f"village__{name}" for name in AREA_FIELDS)
            ),
            {r.values["household_code"] for r in rows if r.values["household_code"]},
        )
        stored = fetch_by_key(CheckIn, "code", sorted({r.values["code"] for r in rows}))
        today = timezone.localdate()
        for row in rows:
            refs = self._references(row, cadres, areas, households, errors)
            if refs is None:
                continue
            if not may_record_for(context.scope, refs["cadre"], refs["area"].code):
                errors.add(row.number, "area_code", row.values["area_code"], "不在您的管辖范围内")
                continue
            earlier = stored.get(row.values["code"])
            if earlier is not None:
                _keep_when_blank(row.values, earlier)
            problems = checkin_problems(
                kind=row.values["kind"],
                area=refs["area"],
                household=refs["household"],
                day=row.values["date"],
                longitude=row.values["longitude"],
                latitude=row.values["latitude"],
                accuracy_m=row.values["accuracy_m"],
                today=today,
            )
            for column, message in problems.items():
                errors.add(row.number, column, row.values.get(column) or "", message)
            if problems or not self._may_replace(row, refs, earlier, errors, context):
                continue
            row.refs = refs | {"stored": earlier}

    def _references(
        self,
        row: ParsedRow,
        cadres: dict[str, Cadre],
        areas: dict[str, Area],
        households: dict[str, Household],
        errors: RowErrors,
    ) -> dict[str, Any] | None:
        values = row.values
        found = {
            "cadre": cadres.get(values["cadre_code"]),
            "area": areas.get(values["area_code"]),
            "household": households.get(values["household_code"]) if values["household_code"] else None,
        }
        missing = [
            (column, message)
            for column, name, message in (
                ("cadre_code", "cadre", "干部编号不存在"),
                ("area_code", "area", "区划代码不存在"),
                ("household_code", "household", "户编号不存在"),
            )
            if found[name] is None and values[column]
        ]
        for column, message in missing:
            errors.add(row.number, column, values[column], message)
        return None if missing else found

    def _may_replace(
        self,
        row: ParsedRow,
        refs: dict[str, Any],
        stored: CheckIn | None,
        errors: RowErrors,
        context: ImportContext,
    ) -> bool:
        """A stored check-in may be changed by a row only inside the user's area, and only if a
        ledger made it; repeating it unchanged is always fine."""
        if stored is None or _unchanged(stored, row.values, refs):
            return True
        code = row.values["code"]
        if not context.scope.covers_code(stored.area_code):
            errors.add(row.number, "code", code, "该记录编号已被您管辖范围以外的打卡记录使用")
            return False
        if stored.source != CheckInSource.LEDGER:
            origin = stored.get_source_display()
            errors.add(row.number, "code", code, f"该记录来自{origin}，是现场定位的凭据，不能通过台账修改")
            return False
        return True

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        unchanged, prepared = 0, []
        for row in rows:
            stored = row.refs["stored"]
            if stored is not None and _unchanged(stored, row.values, row.refs):
                unchanged += 1
                continue
            prepared.append(self._fields(row))
        judge: CheckInJudge = context.state.setdefault(JUDGE, CheckInJudge())
        result = checkins_upsert(actor=context.actor, scope=context.scope, rows=prepared, judge=judge)
        result.unchanged += unchanged
        return result

    def _fields(self, row: ParsedRow) -> dict[str, Any]:
        values, refs = row.values, row.refs
        return {
            "code": values["code"],
            "cadre": refs["cadre"],
            "date": values["date"],
            "time": values["time"],
            "kind": values["kind"],
            "area": refs["area"],
            "household": refs["household"],
            "longitude": values["longitude"],
            "latitude": values["latitude"],
            "accuracy_m": values["accuracy_m"],
            "notes": values["notes"] or "",
        }

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for checkin in checkin_list(scope).order_by("date", "code").iterator(chunk_size=2000):
            yield {
                "code": checkin.code,
                "cadre_code": checkin.cadre.code,
                "date": checkin.date.isoformat(),
                "time": checkin.time.strftime("%H:%M") if checkin.time else "",
                "kind": _KIND_NAMES[checkin.kind],
                "area_code": checkin.area_code,
                "household_code": checkin.household.code if checkin.household else "",
                "longitude": _decimal_cell(checkin.longitude),
                "latitude": _decimal_cell(checkin.latitude),
                "accuracy_m": _decimal_cell(checkin.accuracy_m),
                "notes": checkin.notes,
            }


# Cells that, left empty in a row for a stored check-in, keep what it says (ledgers.md: an empty
# cell is "not given"); the verdict is then judged on what the check-in says after the import.
KEPT_WHEN_BLANK = ("time", "longitude", "latitude", "accuracy_m", "notes")


def _keep_when_blank(values: dict[str, Any], stored: CheckIn) -> None:
    for name in KEPT_WHEN_BLANK:
        if values[name] is None:
            values[name] = getattr(stored, name)


def _minute(value: dt.time | None) -> dt.time | None:
    return value.replace(second=0, microsecond=0) if value else None


def _unchanged(stored: CheckIn, values: dict[str, Any], refs: dict[str, Any]) -> bool:
    """Whether a row says what the stored check-in says. Its time counts to the minute: a ledger's
    time is HH:MM, a phone's has seconds."""
    household = refs["household"]
    return (
        stored.cadre_id == refs["cadre"].pk
        and stored.area_id == refs["area"].pk
        and stored.household_id == (household.pk if household else None)
        and stored.date == values["date"]
        and _minute(stored.time) == _minute(values["time"])
        and stored.kind == values["kind"]
        and stored.longitude == values["longitude"]
        and stored.latitude == values["latitude"]
        and stored.accuracy_m == values["accuracy_m"]
        and stored.notes.strip() == (values["notes"] or "").strip()
    )
