"""Writes of 驻村日志: a work-team member's one entry a day on the village their team serves that day.

The village is the team's, never chosen by the writer; a day without team service, or a day still to
come, takes no entry. An entry is edited with the version the writer read, so two open pages of the
same day cannot overwrite each other unseen.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fupin.core.audit import Actor, record_change
from fupin.core.bulk import update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.fieldwork.models import Diary
from fupin.fieldwork.selectors.diary import team_village_on
from fupin.people.models import Cadre


def _check_text(content: str) -> None:
    if not content.strip():
        raise ApplicationError("请填写工作内容", field_errors={"content": "请填写工作内容"})


@transaction.atomic
def diary_create(
    *, actor: Actor, scope: Scope, day: dt.date, content: str, problems: str = "", plans: str = ""
) -> Diary:
    if scope.cadre_id is None:
        raise PermissionDenied("您的账号未关联干部，不能写驻村日志")
    # Locking the cadre makes "one entry a day" a check that two requests cannot both pass.
    cadre = Cadre.objects.select_for_update().get(pk=scope.cadre_id)
    if day > timezone.localdate():
        raise ApplicationError("不能填写未来日期的日志", field_errors={"day": "不能是未来日期"})
    village = team_village_on(cadre.pk, day)
    if village is None:
        raise ApplicationError(
            f"您{day:%Y-%m-%d}不在驻村工作队，不能写驻村日志", field_errors={"day": "当日不在驻村工作队"}
        )
    if Diary.objects.filter(cadre=cadre, day=day).exists():
        raise ApplicationError(f"{day:%Y-%m-%d}已写过日志，每天只能写一篇，请修改原日志")
    _check_text(content)
    diary = Diary(
        cadre=cadre,
        village=village,
        day=day,
        content=content.strip(),
        problems=problems.strip(),
        plans=plans.strip(),
    )
    diary.full_clean()
    diary.save()
    record_change(actor, diary, action=ChangeAction.CREATE, before=None)
    return diary


@transaction.atomic
def diary_update(
    *,
    actor: Actor,
    scope: Scope,
    diary: Diary,
    expected_version: int | None,
    content: str,
    problems: str = "",
    plans: str = "",
) -> Diary:
    if scope.cadre_id is None or diary.cadre_id != scope.cadre_id:
        raise PermissionDenied("只能修改本人的驻村日志")
    _check_text(content)
    changes = {"content": content.strip(), "problems": problems.strip(), "plans": plans.strip()}
    return update_fields_checked(diary, actor=actor, expected_version=expected_version, changes=changes)
