"""Intake of problems from the county's own channels and from the public.

Staff (the county office and town officials, in their area) record a session — a talk (个别谈话), a
symposium (座谈会) with its participants, the opening of a suggestion box (意见箱) or a batch of
feedback forms (征求意见表) — and file the problems it raised in one go. Villagers file through the
public form reached by their village's QR code: that form is the online feedback form, so its
problems carry the channel 征求意见表, the origin 群众提 and the intake 群众扫码提交 (which gives them
a tracking number). Every problem is filed through `problem_create`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from fupin.areas.models import Area, AreaLevel
from fupin.core import areacode, phone
from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.roles import Role
from fupin.core.scope import NOTHING, Scope
from fupin.people.models import Cadre
from fupin.rectification.models import (
    Channel,
    Evidence,
    Intake,
    IntakeSession,
    Origin,
    Problem,
    ProblemCategory,
)
from fupin.rectification.selectors.intake import county_categories
from fupin.rectification.services.problems import categories_ensure_default, problem_create
from fupin.registry.models import Household

SESSION_CHANNELS = (Channel.TALK, Channel.SYMPOSIUM, Channel.SUGGESTION_BOX, Channel.FEEDBACK_FORM)
PUBLIC_ACTOR = Actor(user=None, name="群众扫码提交", source="public_form")
DESCRIPTION_MAX = 1000
NAME_MAX = 50
PHOTO_MAX_BYTES = 5 * 1024 * 1024
# Larger photos are scaled down; a phone's 12-megapixel photo stays legible at 2560 pixels.
PHOTO_MAX_SIDE = 2560
# Refused before decoding: a small file that decodes to a huge bitmap (a decompression bomb).
PHOTO_MAX_PIXELS = 50_000_000
PHOTO_FORMATS = frozenset({"JPEG", "MPO", "PNG", "GIF", "WEBP", "BMP"})
_NAME_SEPARATORS = re.compile(r"[\n\r、,，;；]+")


def may_record_intake(scope: Scope) -> bool:
    """The county office (and county administrators) and town officials record sessions."""
    return not scope.is_public and (scope.can_manage or scope.role == Role.TOWN_OFFICIAL)


def categories_for_filing(county_code: str) -> list[ProblemCategory]:
    """The county's active categories, seeded with the default list when it has none at all."""
    categories = list(county_categories(county_code))
    if categories:
        return categories
    county = Area.objects.filter(code=county_code, level=AreaLevel.COUNTY).first()
    if county is None:
        return []
    # Writes only for a county with no categories at all (one whose categories are all switched
    # off keeps them off).
    categories_ensure_default(actor=Actor.system("默认问题类别", source="system"), county=county)
    return list(county_categories(county_code))


# -- sessions ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProblemDraft:
    """One problem raised in a session. Without an area it is filed in the session's area."""

    description: str
    category: ProblemCategory
    origin: str = Origin.PUBLIC
    area: Area | None = None
    household: Household | None = None
    fix_at_once: bool = False


def participants_named(text: str) -> list[str]:
    """The names in a participants list: one a line, or separated by 、，；."""
    return [name.strip() for name in _NAME_SEPARATORS.split(text) if name.strip()]


def session_problems(
    *, channel: str, held_on: dt.date, title: str, participants: str, participant_count: int | None
) -> dict[str, str]:
    """Field → reason in Chinese for each way the session cannot be recorded; empty when it can."""
    problems: dict[str, str] = {}
    if channel not in SESSION_CHANNELS:
        problems["channel"] = "检视渠道应为个别谈话、座谈会、意见箱或征求意见表"
    if held_on > timezone.localdate():
        problems["held_on"] = "日期不能晚于今天"
    if not title.strip():
        problems["title"] = "请填写主题"
    named = len(participants_named(participants))
    if participant_count is not None and participant_count < named:
        problems["participant_count"] = f"参加人数（{participant_count}）少于名单中的人数（{named}）"
    if channel == Channel.SYMPOSIUM and not named and not participant_count:
        problems["participants"] = "座谈会请填写参加人员或参加人数"
    return problems


@transaction.atomic
def intake_session_record(
    *,
    actor: Actor,
    scope: Scope,
    channel: str,
    held_on: dt.date,
    area: Area,
    title: str,
    host: Cadre | None = None,
    participants: str = "",
    participant_count: int | None = None,
    notes: str = "",
    problems: Sequence[ProblemDraft] = (),
) -> IntakeSession:
    """Record a session and file each problem it raised (found on the session's date). Nothing is
    written when the session or any one problem is refused; the error names the problem (第N条)."""
    if not may_record_intake(scope):
        raise PermissionDenied("只有县扶贫办和乡镇可以登记检视活动")
    if not scope.covers_code(area.code):
        raise PermissionDenied("您无权在该区划登记检视活动")
    errors = session_problems(
        channel=channel,
        held_on=held_on,
        title=title,
        participants=participants,
        participant_count=participant_count,
    )
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    named = participants_named(participants)
    session = IntakeSession(
        channel=channel,
        held_on=held_on,
        area=area,
        title=title.strip(),
        host=host,
        participants="\n".join(named),
        participant_count=participant_count if participant_count is not None else len(named),
        notes=notes.strip(),
    )
    session.full_clean()
    session.save()
    record_change(actor, session, action=ChangeAction.CREATE, before=None)
    for index, draft in enumerate(problems):
        try:
            problem_create(
                actor=actor,
                scope=scope,
                channel=channel,
                origin=draft.origin,
                category=draft.category,
                description=draft.description,
                area=draft.area or area,
                found_date=held_on,
                household=draft.household,
                fix_at_once=draft.fix_at_once,
                session=session,
            )
        except ApplicationError as error:
            fields = {f"{index}.{name}": reason for name, reason in error.field_errors.items()}
            raise type(error)(
                f"第{index + 1}条问题：{error.message}", field_errors=fields or {f"{index}.": error.message}
            ) from error
    return session


# -- the public form -----------------------------------------------------------------------------
def photo_reencoded(photo: UploadedFile) -> bytes:
    """The photo as a fresh JPEG: checked to be an image by Pillow, turned upright, scaled down, and
    stripped of what the phone wrote into it (GPS position, device), which an anonymous villager
    would not want to hand over. Whatever else the file carried is left behind."""
    if photo.size is not None and photo.size > PHOTO_MAX_BYTES:
        raise ApplicationError("照片不能超过5MB", field_errors={"photo": "照片不能超过5MB"})
    not_image = ApplicationError("上传的文件不是照片", field_errors={"photo": "上传的文件不是照片"})
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            if image.format not in PHOTO_FORMATS:
                raise not_image
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ApplicationError("照片像素过大", field_errors={"photo": "照片像素过大"})
            upright = ImageOps.exif_transpose(image) or image
            upright = upright.convert("RGB")
            upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            buffer = io.BytesIO()
            upright.save(buffer, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_image from None
    return buffer.getvalue()


def public_report_problems(
    *, village: Area, description: str, reporter_name: str, reporter_phone: str
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if village.level != AreaLevel.VILLAGE:
        problems["village"] = "二维码所属的村不存在"
    if not description.strip():
        problems["description"] = "请填写反映的问题"
    elif len(description.strip()) > DESCRIPTION_MAX:
        problems["description"] = f"问题描述不能超过{DESCRIPTION_MAX}字"
    if len(reporter_name.strip()) > NAME_MAX:
        problems["reporter_name"] = f"姓名不能超过{NAME_MAX}字"
    if reporter_phone.strip():
        reason = phone.phone_error(reporter_phone)
        if reason:
            problems["reporter_phone"] = reason
    return problems


def public_problem_submit(
    *,
    village: Area,
    description: str,
    category: ProblemCategory,
    reporter_name: str = "",
    reporter_phone: str = "",
    anonymous: bool = False,
    photo: UploadedFile | None = None,
) -> Problem:
    """File a villager's problem for the village of the QR code, found today; a photo is kept as the
    problem's first evidence (a photo of the problem, uploaded by nobody)."""
    if anonymous:
        reporter_name = reporter_phone = ""
    errors = public_report_problems(
        village=village, description=description, reporter_name=reporter_name, reporter_phone=reporter_phone
    )
    if areacode.county_code_of(category.county.code) != areacode.county_code_of(village.code):
        errors["category"] = "问题类别不属于本县"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    # Decoded before the transaction opens: a large photo must not hold the database's write lock.
    image = photo_reencoded(photo) if photo is not None else None
    with transaction.atomic():
        problem = problem_create(
            actor=PUBLIC_ACTOR,
            scope=NOTHING,
            channel=Channel.FEEDBACK_FORM,
            origin=Origin.PUBLIC,
            category=category,
            description=description,
            area=village,
            found_date=timezone.localdate(),
            intake=Intake.PUBLIC_FORM,
            reporter_name=reporter_name,
            reporter_phone=phone.normalize(reporter_phone) if reporter_phone.strip() else "",
        )
        if image is not None:
            evidence = Evidence(problem=problem, original_name="群众反映照片.jpg", is_image=True)
            evidence.file.save(f"{problem.code}-public.jpg", ContentFile(image), save=False)
            evidence.save()
            record_change(PUBLIC_ACTOR, evidence, action=ChangeAction.CREATE, before=None)
    return problem
