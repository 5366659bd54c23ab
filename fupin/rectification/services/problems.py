"""Filing problems (检视问题) from any door, and the county's categories.

Staff entry, the public form, app webhooks, checklists and the ledger all file through
`problem_create`, so a problem means the same whichever way it came. Staff file within their area;
the public form and webhooks are authenticated by their doors (the form is open by design and
rate-limited, a webhook carries an HMAC signature) and file for the area they name.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.people.models import Cadre, Unit
from fupin.rectification.models import (
    Channel,
    Intake,
    IntakeSession,
    Origin,
    Problem,
    ProblemAction,
    ProblemCategory,
    ProblemEvent,
    ProblemStatus,
)
from fupin.registry.models import Household

# The kinds of problem the seed names (移民搬迁宅基地腾退, 信访矛盾纠纷, 医疗, 教育 …), eleven in all,
# and 其他 for what fits none (the public form files 不清楚 there).
DEFAULT_CATEGORIES = (
    "易地搬迁宅基地腾退",
    "信访矛盾纠纷",
    "医疗保障",
    "教育保障",
    "住房安全",
    "饮水安全",
    "产业发展",
    "就业增收",
    "基础设施",
    "政策落实",
    "干部作风",
    "其他",
)
# Tracking numbers avoid characters a villager could misread (0/O, 1/I/L).
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
DOORS_THAT_AUTHENTICATE = (Intake.PUBLIC_FORM, Intake.WEBHOOK)


@transaction.atomic
def categories_ensure_default(*, actor: Actor, county: Area) -> list[ProblemCategory]:
    """The county's categories, seeded with the default eleven when it has none."""
    existing = list(ProblemCategory.objects.filter(county=county))
    if existing:
        return existing
    created = []
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        category = ProblemCategory.objects.create(county=county, name=name, order=order)
        record_change(actor, category, action=ChangeAction.CREATE, before=None)
        created.append(category)
    return created


def county_of(area: Area) -> Area:
    return Area.objects.get(code=areacode.county_code_of(area.code))


def new_problem_code(found: dt.date) -> str:
    return f"WT{found:%Y%m%d}{uuid.uuid4().hex[:6].upper()}"


def new_tracking_number() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


def may_file_in(scope: Scope, area: Area) -> bool:
    return not scope.is_public and scope.covers_code(area.code)


def filing_problems(
    *,
    channel: str,
    origin: str,
    category: ProblemCategory,
    description: str,
    area: Area,
    found_date: dt.date,
    household: Household | None,
    deadline: dt.date | None,
    today: dt.date,
) -> dict[str, str]:
    """Field → reason in Chinese for each way the problem cannot be filed; empty when it can."""
    problems: dict[str, str] = {}
    if channel not in Channel.values:
        problems["channel"] = "检视渠道无效"
    if origin not in Origin.values:
        problems["origin"] = "问题来源无效"
    if not description.strip():
        problems["description"] = "请填写问题描述"
    if areacode.county_code_of(category.county.code) != areacode.county_code_of(area.code):
        problems["category"] = "问题类别不属于该县"
    if household is not None and not household.area_code.startswith(areacode.prefix_of(area.code)):
        problems["household_code"] = f"户{household.code}不在{area.name}"
    if found_date > today:
        problems["found_date"] = "发现日期不能晚于今天"
    if deadline is not None and deadline < found_date:
        problems["deadline"] = "整改时限不能早于发现日期"
    return problems


@transaction.atomic
def problem_create(
    *,
    actor: Actor,
    scope: Scope,
    channel: str,
    origin: str,
    category: ProblemCategory,
    description: str,
    area: Area,
    found_date: dt.date,
    intake: str = Intake.STAFF,
    household: Household | None = None,
    responsible_unit: Unit | None = None,
    responsible_leader: Cadre | None = None,
    responsible_person: Cadre | None = None,
    measures: str = "",
    deadline: dt.date | None = None,
    fix_at_once: bool = False,
    long_term: bool = False,
    session: IntakeSession | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    code: str | None = None,
) -> Problem:
    """File one problem as 未整改; the public form's problems get a tracking number."""
    if intake not in DOORS_THAT_AUTHENTICATE and not may_file_in(scope, area):
        raise PermissionDenied("您无权在该区划登记问题")
    errors = filing_problems(
        channel=channel,
        origin=origin,
        category=category,
        description=description,
        area=area,
        found_date=found_date,
        household=household,
        deadline=deadline,
        today=timezone.localdate(),
    )
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    problem = Problem(
        code=code or new_problem_code(found_date),
        channel=channel,
        origin=origin,
        category=category,
        description=description.strip(),
        area=area,
        household=household,
        found_date=found_date,
        responsible_unit=responsible_unit,
        responsible_leader=responsible_leader,
        responsible_person=responsible_person,
        measures=measures.strip(),
        deadline=deadline,
        fix_at_once=fix_at_once,
        long_term=long_term,
        intake=intake,
        session=session,
        reporter_name=reporter_name.strip(),
        reporter_phone=reporter_phone.strip(),
        tracking_number=new_tracking_number() if intake == Intake.PUBLIC_FORM else "",
        created_by=actor.user,
    )
    if Problem.objects.filter(code=problem.code).exists():
        raise ApplicationError(f"问题编号{problem.code}已存在", field_errors={"code": "问题编号已存在"})
    problem.full_clean()
    problem.save()
    ProblemEvent.objects.create(
        problem=problem,
        action=ProblemAction.CREATE,
        from_status="",
        to_status=ProblemStatus.OPEN,
        on=found_date,
        by=actor.user,
        by_name=actor.name[:150],
    )
    record_change(actor, problem, action=ChangeAction.CREATE, before=None)
    return problem
