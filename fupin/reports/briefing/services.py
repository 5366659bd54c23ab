"""Writes for the briefing: the county office saves its template (versioned, change-logged)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from fupin.core import areacode
from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ConflictError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.roles import MANAGING_ROLES, SUPERUSER
from fupin.core.scope import Scope
from fupin.reports.briefing.template import BriefingTemplateText, parse_template
from fupin.reports.models import BriefingTemplate

STALE = "简报模板已被他人修改，请刷新后重新编辑（未保存您的修改）"


def may_edit_templates(scope: Scope, county_code: str) -> bool:
    """The county office (county administrator, 扶贫办) of that county, or a platform administrator."""
    if scope.role == SUPERUSER:
        return True
    return (
        scope.role in MANAGING_ROLES
        and bool(scope.root_area_code)
        and areacode.level_of(scope.root_area_code or "") == areacode.COUNTY
        and scope.root_area_code == county_code
    )


@transaction.atomic
def briefing_template_save(
    *, actor: Actor, scope: Scope, county_code: str, text: BriefingTemplateText, expected_version: int
) -> BriefingTemplate:
    """Save the county's template. Refused when it names an unknown figure (TemplateError naming it)
    or when someone saved since `expected_version` was read (0: the county had none)."""
    if not may_edit_templates(scope, county_code):
        raise PermissionDenied("只有县扶贫办可以修改本县的工作简报模板")
    parse_template(text)
    current = BriefingTemplate.objects.select_for_update().filter(county_code=county_code).first()
    if current is None:
        if expected_version != 0:
            raise ConflictError(STALE)
        created = BriefingTemplate(
            county_code=county_code, title=text.title, office=text.office, body=text.body
        )
        try:
            with transaction.atomic():
                created.save(force_insert=True)
        except IntegrityError:
            raise ConflictError(STALE) from None
        record_change(actor, created, action=ChangeAction.CREATE, before=None)
        return created
    if current.version != expected_version:
        raise ConflictError(STALE)
    before = current.audit_snapshot()
    current.title, current.office, current.body = text.title, text.office, text.body
    if current.audit_snapshot() == before:
        return current
    current.version += 1
    current.save()
    record_change(actor, current, action=ChangeAction.UPDATE, before=before)
    return current
