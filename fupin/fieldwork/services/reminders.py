"""Reminders (考勤提醒): a nudge to each cadre on the day they fall behind the pace of a quota rule.

Pace: by day k of a period of L days a rule of N days expects floor(N·k/L) valid days, the period
being the ISO week of the day (weekly rules) or its month (monthly rules), counted up to and
including the day. A cadre is reminded on day D, once per rule, when behind on D and not on D−1
(each day judged within its own period), so a cadre who stays behind is not nagged every day. A
cadre on approved leave on D is not reminded.

The reminder is written first and the county's DingTalk robot (if set) is told after the
transaction commits: a robot that is down never loses the reminder in the platform, and its answer
("ok" or the error) is kept on the reminder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from fupin.areas.county_settings import DINGTALK_WEBHOOK
from fupin.areas.models import Area, AreaLevel
from fupin.areas.selectors import county_setting
from fupin.core import dingtalk
from fupin.core.audit import Actor, change_entry, record_changes
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.fieldwork.models import CheckInKind, Reminder
from fupin.fieldwork.selectors.compliance import (
    WEEK,
    Period,
    QuotaRule,
    judged_cadres,
    pace_on,
    period_of,
    quota_rules,
    valid_day_masks_of,
)
from fupin.fieldwork.selectors.leave import leave_days_by_cadre
from fupin.people.models import Cadre, CadreCategory

CHUNK = 2000  # cadre ids per query, well below SQLite's bound-parameter limit
# How the rule's kinds read in a sentence: "本周已驻村1天".
KINDS_VERB = {
    frozenset({"household"}): "入户",
    frozenset({"village"}): "驻村",
    frozenset({"town"}): "驻镇",
    frozenset({"village", "household"}): "驻村",
    frozenset({"town", "village", "household"}): "到镇村",
}


def kinds_verb(kinds: frozenset[str]) -> str:
    if kinds in KINDS_VERB:
        return KINDS_VERB[kinds]
    return "或".join(str(CheckInKind(k).label) for k in CheckInKind.values if k in kinds)


def reminder_message(rule: QuotaRule, days: int) -> str:
    """本周已驻村1天，按每周4天的要求已落后，请合理安排。"""
    this, every = ("本周", "每周") if rule.period == WEEK else ("本月", "每月")
    return f"{this}已{kinds_verb(rule.kinds)}{days}天，按{every}{rule.days}天的要求已落后，请合理安排。"


@dataclass(frozen=True)
class Due:
    """A cadre who fell behind a rule's pace on the day."""

    cadre_id: int
    code: str
    name: str
    phone: str
    category: str
    message: str


def reminders_due(*, county: Area, day: dt.date) -> list[Due]:
    """The county's cadres behind the pace of one of their rules on `day` but not the day before."""
    rules = quota_rules(county.code)
    if not rules:
        return []
    cadres = judged_cadres(county, rules, day)
    people = list(cadres.order_by("code").values_list("pk", "code", "name", "phone", "categories"))
    yesterday = day - dt.timedelta(days=1)
    window_start = min(period_of(rule, d).start for rule in rules for d in (yesterday, day))
    masks = valid_day_masks_of(cadres, Period(window_start, day))
    on_leave = leave_days_by_cadre([p[0] for p in people], day, day)
    due = []
    for pk, code, name, phone, categories in people:
        if pk in on_leave:
            continue
        held = set(categories.split(","))
        for rule in rules:
            if rule.category not in held:
                continue
            today = pace_on(rule, masks.get(pk), day)
            if today.behind and not pace_on(rule, masks.get(pk), yesterday).behind:
                due.append(Due(pk, code, name, phone, rule.category, reminder_message(rule, today.days)))
    return due


def dingtalk_content(due: Due) -> str:
    label = CadreCategory(due.category).label if due.category in CadreCategory.values else due.category
    mention = f" @{due.phone}" if due.phone else ""
    return f"考勤提醒：{due.name}（{label}），{due.message}{mention}"


Poster = Callable[[str, str, Sequence[str]], str]


@dataclass
class RemindRun:
    day: dt.date
    created: int = 0
    already: int = 0  # due, but reminded earlier today (a rerun)
    pushed: int = 0
    push_failed: int = 0
    counties: list[str] = field(default_factory=list)


def reminders_send(
    *,
    actor: Actor,
    day: dt.date,
    counties: Iterable[Area] | None = None,
    post: Poster = dingtalk.send_text,
) -> RemindRun:
    """Remind every cadre newly behind on `day`, county by county; a rerun adds nothing."""
    run = RemindRun(day)
    chosen = counties if counties is not None else Area.objects.filter(level=AreaLevel.COUNTY)
    for county in chosen:
        due = reminders_due(county=county, day=day)
        try:
            created = _create(actor, day, due)
        except IntegrityError:
            # Another run of the same day committed these first: this one adds what is left.
            created = _create(actor, day, due)
        run.created += len(created)
        run.already += len(due) - len(created)
        run.counties.append(county.code)
        webhook = county_setting(county.code, DINGTALK_WEBHOOK) if created else ""
        if webhook:
            _push(webhook, created, run, post)
    return run


@transaction.atomic
def _create(actor: Actor, day: dt.date, due: list[Due]) -> list[tuple[Reminder, Due]]:
    if not due:
        return []
    ids = sorted({d.cadre_id for d in due})
    existing: set[tuple[int, str]] = set()
    for first in range(0, len(ids), CHUNK):
        existing.update(
            Reminder.objects.filter(day=day, cadre_id__in=ids[first : first + CHUNK]).values_list(
                "cadre_id", "category"
            )
        )
    fresh = [d for d in due if (d.cadre_id, d.category) not in existing]
    # The cadre stands in with the fields the change log reads, so logging costs no query.
    reminders = Reminder.objects.bulk_create(
        [
            Reminder(
                cadre=Cadre(pk=d.cadre_id, code=d.code, name=d.name),
                day=day,
                category=d.category,
                message=d.message,
            )
            for d in fresh
        ],
        batch_size=2000,
    )
    entries = [
        change_entry(actor, r, action=ChangeAction.CREATE, before=None, after=r.audit_snapshot())
        for r in reminders
    ]
    record_changes(entries)
    return list(zip(reminders, fresh, strict=True))


def _push(webhook: str, created: list[tuple[Reminder, Due]], run: RemindRun, post: Poster) -> None:
    """Tell the robot, outside any transaction; each answer is kept on its reminder."""
    for reminder, due in created:
        result = post(webhook, dingtalk_content(due), [due.phone] if due.phone else [])
        reminder.webhook_result = result[:300]
        reminder.save(update_fields=["webhook_result", "updated_at"])
        if result == "ok":
            run.pushed += 1
        else:
            run.push_failed += 1


@transaction.atomic
def reminders_mark_read(*, actor: Actor, scope: Scope, reminder_ids: Sequence[int] | None = None) -> int:
    """Mark the signed-in cadre's reminders read (those named, or all); returns how many changed."""
    if scope.cadre_id is None:
        raise PermissionDenied("您的账号未关联干部，没有考勤提醒")
    unread = Reminder.objects.select_related("cadre").filter(cadre_id=scope.cadre_id, read_at__isnull=True)
    if reminder_ids is not None:
        unread = unread.filter(pk__in=list(reminder_ids))
    now = timezone.now()
    changed, entries = [], []
    for reminder in unread:
        before = {**reminder.audit_snapshot(), "已读时间": None}
        reminder.read_at, reminder.updated_at = now, now
        reminder.version += 1
        changed.append(reminder)
        after = {**reminder.audit_snapshot(), "已读时间": now.isoformat()}
        entries.append(change_entry(actor, reminder, action=ChangeAction.UPDATE, before=before, after=after))
    Reminder.objects.bulk_update(changed, ["read_at", "updated_at", "version"])
    record_changes(entries)
    return len(changed)
