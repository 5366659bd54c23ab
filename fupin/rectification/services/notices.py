"""Deadlines and escalation (整改提醒): the daily run that tells people a deadline is near or past.

For a date D, among the problems found by D that are not rectified by D (figures.md's definition,
`rectified_by`) and have a deadline:
- 即将到期 (DUE_SOON) when the deadline is exactly three days away (deadline − D = 3), to the
  responsible person;
- 已逾期 (OVERDUE) once D is past the deadline, to the responsible leader (or, if none, the
  responsible person);
- 逾期超过7天 (LONG_OVERDUE) once D is more than seven days past it, to the county office
  (recipient_area_code = the county).
A notice without its cadre (none on record) goes to the county office instead, so that none is lost.
Each is made once per problem, kind and deadline (a unique constraint): a rerun of the same day, or
the next day's run, adds nothing, and a new deadline starts afresh. Because a missed run is caught
up by the next one, an overdue notice may come later than the first day overdue, never not at all.

Notices are written first, in one transaction; afterwards, outside it, each is pushed to the
county's DingTalk robot (county setting DINGTALK_WEBHOOK) when one is configured, at-mentioning
the recipient's phone, and the robot's answer ("ok" or the error) is kept on the notice. A robot
that is down never costs anyone their notice in the platform.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from fupin.areas.county_settings import DINGTALK_WEBHOOK
from fupin.areas.selectors import county_setting
from fupin.core import areacode, dingtalk
from fupin.core.audit import Actor, change_entry, record_changes
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.people.models import Cadre
from fupin.rectification.figures import rectified_by
from fupin.rectification.models import Notice, NoticeKind, Problem

DUE_SOON_DAYS = 3
LONG_OVERDUE_DAYS = 7
OFFICE = "县扶贫办"
DESCRIPTION_SHOWN = 40

Sender = Callable[[str, str, Sequence[str]], str]


@dataclass(frozen=True)
class Draft:
    problem: Problem
    kind: NoticeKind
    deadline: dt.date
    recipient: Cadre | None
    # The county office's area code when no cadre receives it.
    office_code: str
    message: str


@dataclass
class EscalationRun:
    day: dt.date
    created: dict[str, int] = field(default_factory=lambda: {kind: 0 for kind in NoticeKind.values})
    pushed: int = 0
    push_failed: int = 0

    @property
    def total(self) -> int:
        return sum(self.created.values())


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _about(problem: Problem) -> str:
    text = problem.description.replace("\n", " ").strip()
    if len(text) > DESCRIPTION_SHOWN:
        text = text[:DESCRIPTION_SHOWN] + "…"
    return f"问题{problem.code}“{text}”（{problem.area.name}）"


def notice_message(kind: str, problem: Problem, recipient: Cadre | None, day: dt.date) -> str:
    """The notice in Chinese, naming the problem and its deadline."""
    assert problem.deadline is not None
    who = recipient.name if recipient is not None else OFFICE
    deadline = chinese_date(problem.deadline)
    unit = problem.responsible_unit.name if problem.responsible_unit else "未明确"
    late = (day - problem.deadline).days
    if kind == NoticeKind.DUE_SOON:
        text = (
            f"【整改提醒】{who}：{_about(problem)}的整改时限为{deadline}，还有{DUE_SOON_DAYS}天到期，"
            "请抓紧整改并及时上传整改佐证。"
        )
    elif kind == NoticeKind.OVERDUE:
        text = (
            f"【逾期提醒】{who}：{_about(problem)}的整改时限{deadline}已过，已逾期{late}天仍未整改完成"
            f"（责任单位：{unit}），请督促立即整改。"
        )
    else:
        text = (
            f"【逾期督办】{who}：{_about(problem)}的整改时限为{deadline}，已逾期{late}天仍未整改完成"
            f"（责任单位：{unit}），请督办。"
        )
    return text[:500]


def _sent(kind: NoticeKind) -> Exists:
    return Exists(Notice.objects.filter(problem=OuterRef("pk"), kind=kind, deadline=OuterRef("deadline")))


def _candidates(day: dt.date, county_codes: Iterable[str] | None) -> QuerySet[Problem]:
    """The problems with a notice due on `day` that has not been made, in one query: a county's
    long-overdue problems whose notices are all made are not read again day after day."""
    soon = day + dt.timedelta(days=DUE_SOON_DAYS)
    long_ago = day - dt.timedelta(days=LONG_OVERDUE_DAYS)
    problems = (
        Problem.objects.filter(found_date__lte=day, deadline__isnull=False)
        .exclude(rectified_by(day))
        .filter(Q(deadline=soon) | Q(deadline__lt=day))
    )
    if county_codes is not None:
        within = Q(pk__in=[])
        for code in county_codes:
            within |= Q(area_code__startswith=areacode.prefix_of(code))
        problems = problems.filter(within)
    return (
        problems.annotate(
            due_soon_sent=_sent(NoticeKind.DUE_SOON),
            overdue_sent=_sent(NoticeKind.OVERDUE),
            long_overdue_sent=_sent(NoticeKind.LONG_OVERDUE),
        )
        .filter(
            Q(deadline=soon, due_soon_sent=False)
            | Q(deadline__lt=day, overdue_sent=False)
            | Q(deadline__lt=long_ago, long_overdue_sent=False)
        )
        .select_related("area", "responsible_unit", "responsible_leader", "responsible_person")
        .order_by("deadline", "code")
    )


def _draft(kind: NoticeKind, problem: Problem, recipient: Cadre | None, day: dt.date) -> Draft:
    office = "" if recipient is not None else areacode.county_code_of(problem.area_code)
    assert problem.deadline is not None
    return Draft(
        problem, kind, problem.deadline, recipient, office, notice_message(kind, problem, recipient, day)
    )


def notices_due(*, day: dt.date, county_codes: Iterable[str] | None = None) -> list[Draft]:
    """The notices the run for `day` should make that were not made before (one query)."""
    drafts = []
    for problem in _candidates(day, county_codes):
        assert problem.deadline is not None
        person, leader = problem.responsible_person, problem.responsible_leader
        late = (day - problem.deadline).days
        if late == -DUE_SOON_DAYS and not problem.due_soon_sent:  # type: ignore[attr-defined]
            drafts.append(_draft(NoticeKind.DUE_SOON, problem, person or leader, day))
        if late > 0 and not problem.overdue_sent:  # type: ignore[attr-defined]
            drafts.append(_draft(NoticeKind.OVERDUE, problem, leader or person, day))
        if late > LONG_OVERDUE_DAYS and not problem.long_overdue_sent:  # type: ignore[attr-defined]
            drafts.append(_draft(NoticeKind.LONG_OVERDUE, problem, None, day))
    return drafts


@transaction.atomic
def _create(actor: Actor, drafts: list[Draft]) -> list[tuple[Notice, Draft]]:
    notices = [
        Notice(
            problem=d.problem,
            kind=d.kind,
            deadline=d.deadline,
            recipient_cadre=d.recipient,
            recipient_area_code=d.office_code,
            message=d.message,
        )
        for d in drafts
    ]
    Notice.objects.bulk_create(notices, batch_size=1000)
    if notices and notices[0].pk is None:  # backends that do not return keys
        stored = {
            (n.problem_id, n.kind, n.deadline): n.pk
            for n in Notice.objects.filter(problem_id__in={d.problem.pk for d in drafts})
        }
        for notice in notices:
            notice.pk = stored[(notice.problem_id, notice.kind, notice.deadline)]
    record_changes(
        change_entry(actor, n, action=ChangeAction.CREATE, before=None, after=n.audit_snapshot())
        for n in notices
    )
    return list(zip(notices, drafts, strict=True))


def problems_escalate(
    *,
    actor: Actor,
    day: dt.date,
    county_codes: Iterable[str] | None = None,
    send: Sender = dingtalk.send_text,
) -> EscalationRun:
    """Make the day's notices (every county, or those named) and push them; rerunning adds nothing."""
    codes = list(county_codes) if county_codes is not None else None
    try:
        created = _create(actor, notices_due(day=day, county_codes=codes))
    except IntegrityError:
        # Another run of the same day committed some of these first: make what is left.
        created = _create(actor, notices_due(day=day, county_codes=codes))
    run = EscalationRun(day)
    for notice, _ in created:
        run.created[notice.kind] += 1
    _push(created, run, send)
    return run


def _push(created: list[tuple[Notice, Draft]], run: EscalationRun, send: Sender) -> None:
    by_county: dict[str, list[tuple[Notice, Draft]]] = defaultdict(list)
    for notice, draft in created:
        by_county[areacode.county_code_of(draft.problem.area_code)].append((notice, draft))
    for county_code, items in sorted(by_county.items()):
        webhook = county_setting(county_code, DINGTALK_WEBHOOK)
        if not webhook:
            continue
        for notice, draft in items:
            mobiles = [draft.recipient.phone] if draft.recipient is not None and draft.recipient.phone else []
            content = draft.message + "".join(f" @{mobile}" for mobile in mobiles)
            notice.webhook_result = send(webhook, content, mobiles)[:300]
            notice.save(update_fields=["webhook_result"])
            if notice.webhook_result == "ok":
                run.pushed += 1
            else:
                run.push_failed += 1


def _is_county(code: str | None) -> bool:
    return bool(code) and areacode.level_of(code or "") == areacode.COUNTY


# -- in the platform: 整改提醒 ---------------------------------------------------------------------
def notices_visible_q(scope: Scope) -> Q:
    """The notices a user reads: those to their own cadre, and for the county's managers (the
    county office) the county office's. A platform administrator reads every office notice."""
    q = Q(pk__in=[])
    if scope.cadre_id is not None:
        q |= Q(recipient_cadre_id=scope.cadre_id)
    if scope.is_everything:
        q |= ~Q(recipient_area_code="")
    elif (
        scope.can_manage
        and scope.root_area_code
        and areacode.level_of(scope.root_area_code) == areacode.COUNTY
    ):
        q |= Q(recipient_area_code=scope.root_area_code)
    return q


@transaction.atomic
def notices_mark_read(*, actor: Actor, scope: Scope, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notices read: those with `ids`, or all of them. Returns how many."""
    unread = Notice.objects.filter(notices_visible_q(scope), read_at__isnull=True).select_related("problem")
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    notices = list(unread.select_for_update(of=("self",)))
    now = timezone.now()
    entries = []
    for notice in notices:
        snapshot = notice.audit_snapshot()
        notice.read_at = notice.updated_at = now
        notice.version += 1
        entries.append(
            change_entry(
                actor,
                notice,
                action=ChangeAction.UPDATE,
                before=snapshot | {"已读": False},
                after=snapshot | {"已读": True},
            )
        )
    Notice.objects.bulk_update(notices, ["read_at", "version", "updated_at"], batch_size=1000)
    record_changes(entries)
    return len(notices)
