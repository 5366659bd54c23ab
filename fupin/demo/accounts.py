"""Demo logins, one per role, each tied to a plausible place in the demo county."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.duty.models import FIRST_SECRETARY_ROLES, Pairing, WorkTeamMember
from fupin.people.models import Cadre, CadreCategory, Unit
from fupin.people.scope import SUPERUSER
from fupin.people.services import account_create

DEMO_PASSWORD = "fupin2019"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_label: str
    where: str


def _first_secretary_of(village: Area) -> Cadre:
    """The demo work-team login is the village's serving first secretary, so its pages show a team."""
    member = (
        WorkTeamMember.objects.filter(village=village, role__in=FIRST_SECRETARY_ROLES, end_date__isnull=True)
        .select_related("cadre")
        .order_by("cadre__code")
        .first()
    )
    return member.cadre if member else _first_cadre(CadreCategory.FIRST_SECRETARY)


def _helper_in(village: Area) -> Cadre:
    """The demo paired-cadre login helps households of the work-team login's village."""
    pairing = (
        Pairing.objects.filter(
            household__village=village,
            end_date__isnull=True,
            cadre__user__isnull=True,
            cadre__categories=f",{CadreCategory.PAIRED_CADRE},",
        )
        .select_related("cadre")
        .order_by("cadre__code")
        .first()
    )
    return pairing.cadre if pairing else _first_cadre(CadreCategory.PAIRED_CADRE)


def _first_cadre(category: str, **filters: object) -> Cadre:
    cadre = (
        Cadre.objects.with_category(category).filter(user__isnull=True, **filters).order_by("code").first()
    )
    assert cadre is not None, f"no demo cadre of category {category}"
    return cadre


def create_demo_accounts(county_code: str) -> list[DemoLogin]:
    actor = Actor.system("演示数据", source="demo")
    scope = Scope(role=SUPERUSER, area_prefixes=None)
    county = Area.objects.get(code=county_code)
    town = Area.objects.filter(parent=county).order_by("code").first()
    village = Area.objects.filter(parent=town, is_poor_village=True).order_by("code").first()
    agriculture = Unit.objects.filter(name="县农业农村局").first() or Unit.objects.order_by("code").first()
    assert town and village and agriculture
    user_model = get_user_model()
    user_model.objects.create_superuser(username="admin", password=DEMO_PASSWORD)
    logins = [DemoLogin("admin", "平台管理员（Django后台）", "全部")]
    plan: list[tuple[str, str, Area, Unit | None, Cadre | None]] = [
        ("county_admin", Role.COUNTY_ADMIN, county, None, None),
        ("leader", Role.COUNTY_LEADER, county, None, _first_cadre(CadreCategory.COUNTY_LEADER)),
        ("office", Role.OFFICE_STAFF, county, None, None),
        ("unit", Role.UNIT_USER, county, agriculture, None),
        ("town", Role.TOWN_OFFICIAL, town, None, _first_cadre(CadreCategory.TOWN_CADRE, unit__area=town)),
        ("team", Role.WORK_TEAM, village, None, _first_secretary_of(village)),
        ("cadre", Role.PAIRED_CADRE, county, None, _helper_in(village)),
        ("public", Role.PUBLIC, county, None, None),
    ]
    for username, role, area, unit, cadre in plan:
        if cadre is not None and unit is None:
            unit = cadre.unit
        account_create(
            actor=actor,
            scope=scope,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            area=area,
            unit=unit,
            cadre=cadre,
        )
        where = unit.name if role == Role.UNIT_USER and unit else area.name
        logins.append(DemoLogin(username, str(Role(role).label), where))
    return logins


def demo_logins() -> list[DemoLogin]:
    from fupin.people.models import Account

    logins = []
    if get_user_model().objects.filter(username="admin", is_superuser=True).exists():
        logins.append(DemoLogin("admin", "平台管理员（Django后台）", "全部"))
    for account in Account.objects.select_related("user", "area", "unit").order_by("pk"):
        where = (
            account.unit.name
            if account.role == Role.UNIT_USER and account.unit
            else (account.area.name if account.area else "")
        )
        logins.append(DemoLogin(account.user.get_username(), account.get_role_display(), where))
    return logins
