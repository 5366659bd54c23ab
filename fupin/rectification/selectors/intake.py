"""Reads of problem intake: sessions, what arrived through the open doors, the village links of the
public form, the public lookup by tracking number, and the apps allowed to push problems.

The public form is reached by a per-village URL whose token is the village code signed with the
platform's SECRET_KEY (django.core.signing, salted for this use): a printed QR code files problems
for its own village only, and nobody can make a working link for another village by editing the
code. Changing SECRET_KEY invalidates every printed poster unless the old key is kept in
SECRET_KEY_FALLBACKS while new posters are printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core import signing
from django.db.models import Prefetch, QuerySet

from fupin.areas.models import Area, AreaLevel
from fupin.core import areacode
from fupin.core.models import choice_label
from fupin.core.scope import Scope
from fupin.people.models import Cadre
from fupin.rectification.models import (
    Intake,
    IntakeSession,
    Problem,
    ProblemAction,
    ProblemCategory,
    ProblemStatus,
    WebhookApp,
)

VILLAGE_TOKEN_SALT = "fupin.rectification.village-form"
# The category that "不清楚" (the villager does not know) is filed under, when the county has it.
FALLBACK_CATEGORY_NAME = "其他"
INCOMING_INTAKES = (Intake.PUBLIC_FORM, Intake.WEBHOOK)


# -- the village links of the public form --------------------------------------------------------
def village_token(code: str) -> str:
    return signing.Signer(salt=VILLAGE_TOKEN_SALT).sign(code)


def village_from_token(token: str) -> Area | None:
    """The village a public-form token was made for; None for a forged, mangled or stale token."""
    try:
        code = signing.Signer(salt=VILLAGE_TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None
    if not areacode.is_area_code(code):
        return None
    return Area.objects.filter(code=code, level=AreaLevel.VILLAGE).select_related("parent").first()


def poster_villages(scope: Scope, *, town_code: str = "") -> QuerySet[Area]:
    villages = Area.objects.filter(scope.area_q("code"), level=AreaLevel.VILLAGE)
    if town_code:
        villages = villages.filter(code__startswith=areacode.prefix_of(town_code))
    return villages.select_related("parent").order_by("code")


def poster_area(scope: Scope, code: str) -> Area | None:
    """A village (one poster) or a town (the posters of all its villages) inside the scope."""
    if not areacode.is_area_code(code) or not scope.covers_code(code):
        return None
    return (
        Area.objects.filter(code=code, level__in=(AreaLevel.VILLAGE, AreaLevel.TOWN))
        .select_related("parent")
        .first()
    )


# -- categories ----------------------------------------------------------------------------------
def county_categories(county_code: str) -> QuerySet[ProblemCategory]:
    return ProblemCategory.objects.filter(county__code=county_code, active=True).order_by("order", "id")


def fallback_category(categories: list[ProblemCategory]) -> ProblemCategory | None:
    """Where "不清楚" goes: the county's "其他" if it has one, else its first category (the office
    re-files it when it reads the problem)."""
    for category in categories:
        if category.name == FALLBACK_CATEGORY_NAME:
            return category
    return categories[0] if categories else None


def filing_categories(scope: Scope) -> QuerySet[ProblemCategory]:
    """Categories staff may choose: those of the counties their area lies in."""
    qs = ProblemCategory.objects.filter(active=True).select_related("county")
    if scope.root_area_code:
        qs = qs.filter(county__code=areacode.county_code_of(scope.root_area_code))
    elif not scope.is_everything:
        return qs.none()
    return qs.order_by("county__code", "order", "id")


def filing_areas(scope: Scope) -> QuerySet[Area]:
    """Areas staff may file in: their county, towns and villages, in code order (a county has a few
    hundred, which a plain select shows well)."""
    levels = (AreaLevel.COUNTY, AreaLevel.TOWN, AreaLevel.VILLAGE)
    return Area.objects.filter(scope.area_q("code"), level__in=levels).order_by("code")


def session_host(code: str) -> Cadre | None:
    """The cadre who hosted a talk or symposium. County leaders host in every town, so this looks
    beyond the recorder's scope; the session's area is what the recorder's right is judged by."""
    return Cadre.objects.filter(code=code).first()


# -- sessions and what arrived -------------------------------------------------------------------
def intake_session_list(scope: Scope, *, channel: str = "") -> QuerySet[IntakeSession]:
    # A county session may have raised problems of several towns; each sees those of its own.
    problems = (
        Problem.objects.filter(scope.area_q("area_code"))
        .select_related("category", "area", "household")
        .order_by("id")
    )
    sessions = (
        IntakeSession.objects.filter(scope.area_q("area_code"))
        .select_related("area", "host")
        .prefetch_related(Prefetch("problems", queryset=problems))
    )
    if channel:
        sessions = sessions.filter(channel=channel)
    return sessions.order_by("-held_on", "-id")


def incoming_problem_list(scope: Scope, *, intake: str = "") -> QuerySet[Problem]:
    """Problems that came in through the open doors: the public form and the apps."""
    intakes = (intake,) if intake in INCOMING_INTAKES else INCOMING_INTAKES
    return (
        Problem.objects.filter(scope.area_q("area_code"), intake__in=intakes)
        .select_related("category", "area", "area__parent")
        .order_by("-created_at", "-id")
    )


# -- the public lookup ---------------------------------------------------------------------------
def tracking_number_normalized(text: str) -> str:
    """What a villager typed, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-－—]", "", text).upper()


@dataclass(frozen=True)
class PublicStep:
    on: str
    action: str
    status: str


@dataclass(frozen=True)
class PublicView:
    """What the person who raised a problem may see of it: no staff names, no phone, no notes."""

    tracking_number: str
    village: str
    category: str
    description: str
    found_date: str
    status: str
    status_value: str
    steps: list[PublicStep]


def public_problem_view(number: str) -> PublicView | None:
    number = tracking_number_normalized(number)
    if not number:
        return None
    problem = (
        Problem.objects.filter(tracking_number=number, intake=Intake.PUBLIC_FORM)
        .select_related("category", "area")
        .first()
    )
    if problem is None:
        return None
    events = problem.events.order_by("at", "id").values_list("on", "action", "to_status")
    return PublicView(
        tracking_number=problem.tracking_number,
        village=problem.area.name,
        category=problem.category.name,
        description=problem.description,
        found_date=problem.found_date.isoformat(),
        status=choice_label(ProblemStatus, problem.status),
        status_value=problem.status,
        steps=[
            PublicStep(on.isoformat(), choice_label(ProblemAction, action), choice_label(ProblemStatus, to))
            for on, action, to in events
        ],
    )


# -- apps ----------------------------------------------------------------------------------------
def webhook_app_list(scope: Scope) -> QuerySet[WebhookApp]:
    return WebhookApp.objects.filter(scope.area_q("county__code")).select_related("county").order_by("name")


def webhook_app_get(scope: Scope, slug: str) -> WebhookApp | None:
    return webhook_app_list(scope).filter(slug=slug).first()


def webhook_app_by_slug(slug: str) -> WebhookApp | None:
    """The app a webhook names in its URL (the door authenticates it by signature, not by scope)."""
    return WebhookApp.objects.filter(slug=slug).select_related("county").first()


def app_counties(scope: Scope) -> QuerySet[Area]:
    return Area.objects.filter(scope.area_q("code"), level=AreaLevel.COUNTY).order_by("code")
