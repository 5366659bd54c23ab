"""Reads of the 清零 board, the rectification ledger export and the deadline notices.

The board counts as figures.md defines the rectification section, as of a date: found (found_date ≤
as_of), rectified (`rectified_by`), closed (已销号 with closed_date ≤ as_of), open (found −
rectified) and overdue (open with a deadline before as_of). Its total over an area is therefore
`rectification_section` of that area. Each breakdown (by the area's towns or villages, by
responsible unit, by category) is one grouped query, so the board costs the same few queries
whatever the number of problems, towns or units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Substr

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.models import choice_label
from fupin.core.scope import Scope
from fupin.rectification.figures import rectified_by
from fupin.rectification.models import Notice, Problem, ProblemAction, ProblemEvent, ProblemStatus, Task
from fupin.rectification.services.notices import notices_visible_q

MEASURES = ("found", "rectified", "closed", "open", "overdue")
NO_UNIT = "未明确责任单位"


@dataclass(frozen=True)
class Counts:
    found: int = 0
    rectified: int = 0
    closed: int = 0
    overdue: int = 0

    @property
    def open(self) -> int:
        return self.found - self.rectified

    @property
    def cleared(self) -> bool:
        """清零: problems were found and none is open."""
        return self.found > 0 and self.open == 0

    def rate(self, part: str) -> float | None:
        """A share of the found problems (rectified, closed), or of the open ones (overdue)."""
        whole = self.open if part == "overdue" else self.found
        return getattr(self, part) / whole if whole else None


@dataclass(frozen=True)
class BoardRow:
    label: str
    counts: Counts
    # The problem-list filters this row stands for (area, unit or category), and for an area row
    # the code to drill down to (None: nothing below it).
    filters: dict[str, str] = field(default_factory=dict)
    drill_code: str | None = None


@dataclass(frozen=True)
class RectificationBoard:
    area: Area
    as_of: dt.date
    total: Counts
    # The area's towns (for a county) or villages (for a town), with its own level first if any.
    by_area: list[BoardRow]
    by_unit: list[BoardRow]
    by_category: list[BoardRow]
    child_level: str

    @property
    def open_units(self) -> int:
        return sum(1 for row in self.by_unit if row.counts.open)


def counting(as_of: dt.date) -> dict[str, Count]:
    """The board's counts as aggregates, with the definitions of figures.md."""
    rectified = rectified_by(as_of)
    return {
        "found": Count("pk"),
        "rectified": Count("pk", filter=rectified),
        "closed": Count("pk", filter=Q(status=ProblemStatus.CLOSED, closed_date__lte=as_of)),
        "overdue": Count("pk", filter=~rectified & Q(deadline__lt=as_of)),
    }


def _counts(values: Mapping[str, Any]) -> Counts:
    return Counts(values["found"], values["rectified"], values["closed"], values["overdue"])


def found_in(area: Area, as_of: dt.date) -> QuerySet[Problem]:
    """The problems counted as found in the area by as_of (the base of every count)."""
    return Problem.objects.filter(area_code__startswith=areacode.prefix_of(area.code), found_date__lte=as_of)


def board_area(scope: Scope, code: str) -> Area | None:
    """The area the board is for: the one asked if the user sees all of it, else the user's own
    (a platform administrator without one gets the first county)."""
    code = code.strip() or (scope.root_area_code or "")
    chosen = Area.objects.filter(scope.area_q("code"))
    if code:
        return chosen.filter(code=code).first()
    return chosen.filter(level=areacode.COUNTY).order_by("code").first()


def rectification_board(area: Area, as_of: dt.date) -> RectificationBoard:
    problems = found_in(area, as_of)
    measures = counting(as_of)
    total = _counts(problems.aggregate(**measures))
    by_area, child_level = _by_area(area, problems, measures)
    units = (
        problems.values("responsible_unit__code", "responsible_unit__name")
        .annotate(**measures)
        .order_by("responsible_unit__code")
    )
    by_unit = [
        BoardRow(
            u["responsible_unit__name"] or NO_UNIT,
            _counts(u),
            {"unit": u["responsible_unit__code"]} if u["responsible_unit__code"] else {},
        )
        for u in units
    ]
    by_unit.sort(key=lambda row: (-row.counts.open, -row.counts.found, row.label))
    categories = (
        problems.values("category_id", "category__name", "category__order")
        .annotate(**measures)
        .order_by("category__order", "category__name")
    )
    # The problem list filters by the category's id (a category is named per county).
    by_category = [
        BoardRow(c["category__name"], _counts(c), {"category": str(c["category_id"])}) for c in categories
    ]
    return RectificationBoard(area, as_of, total, by_area, by_unit, by_category, child_level)


def _by_area(
    area: Area, problems: QuerySet[Problem], measures: dict[str, Count]
) -> tuple[list[BoardRow], str]:
    """Rows for the area's own level (when it has problems of its own) and each child area."""
    if area.level == areacode.VILLAGE:
        return [], ""
    width = areacode.PREFIX_LENGTH[areacode.TOWN] if area.level == areacode.COUNTY else 12
    grouped = {
        g["part"].ljust(12, "0"): _counts(g)
        for g in problems.annotate(part=Substr("area_code", 1, width)).values("part").annotate(**measures)
    }
    children = Area.objects.filter(parent=area).order_by("code").only("code", "name", "level")
    own = "县本级" if area.level == areacode.COUNTY else "镇本级"
    rows = []
    if area.code in grouped:
        # Problems of the area's own level: no problem-list filter selects only them.
        rows.append(BoardRow(own, grouped[area.code]))
    drills = area.level == areacode.COUNTY
    for child in children:
        rows.append(
            BoardRow(
                child.name,
                grouped.get(child.code, Counts()),
                {"area": child.code},
                child.code if drills else None,
            )
        )
    return rows, "乡镇" if area.level == areacode.COUNTY else "村"


# -- the rectification ledger (整改台账) ---------------------------------------------------------
@dataclass(frozen=True)
class LedgerFilter:
    area: Area
    as_of: dt.date
    unit_code: str = ""
    category_id: int | None = None


def ledger_problems(chosen: LedgerFilter) -> QuerySet[Problem]:
    """The problems of the board's area found by as_of (optionally of one unit or category), with
    what the ledger and its progress columns read, in a constant number of queries."""
    problems = found_in(chosen.area, chosen.as_of)
    if chosen.unit_code:
        problems = problems.filter(responsible_unit__code=chosen.unit_code)
    if chosen.category_id is not None:
        problems = problems.filter(category_id=chosen.category_id)
    last = ProblemEvent.objects.filter(problem=OuterRef("pk")).order_by("-at", "-id")
    tasks = Task.objects.filter(problem=OuterRef("pk")).values("problem")
    done = tasks.filter(done_on__isnull=False)
    return (
        problems.select_related(
            "category", "household", "responsible_unit", "responsible_leader", "responsible_person"
        )
        .annotate(
            last_action=Subquery(last.values("action")[:1]),
            last_on=Subquery(last.values("on")[:1]),
            tasks_total=Coalesce(Subquery(tasks.annotate(n=Count("pk")).values("n")[:1]), Value(0)),
            tasks_done=Coalesce(Subquery(done.annotate(n=Count("pk")).values("n")[:1]), Value(0)),
        )
        .order_by("area_code", "found_date", "code")
    )


def action_label(value: str | None) -> str:
    return choice_label(ProblemAction, value) if value else ""


def overdue_problems(area: Area, as_of: dt.date) -> QuerySet[Problem]:
    """Open problems of the area whose deadline is before as_of, the longest overdue first."""
    return (
        found_in(area, as_of)
        .exclude(rectified_by(as_of))
        .filter(deadline__lt=as_of)
        .select_related("area", "responsible_unit")
        .order_by("deadline", "code")
    )


def open_without_measures(area: Area, as_of: dt.date) -> int:
    """Open problems of the area (as of the date) that have no measures on record yet."""
    return found_in(area, as_of).exclude(rectified_by(as_of)).filter(measures="").count()


# -- the deadline notices (整改提醒) -------------------------------------------------------------
def notice_list(scope: Scope) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(notices_visible_q(scope))
        .select_related("problem", "recipient_cadre")
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")
    )


def unread_notice_count(scope: Scope) -> int:
    return Notice.objects.filter(notices_visible_q(scope), read_at__isnull=True).count()
