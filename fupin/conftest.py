"""Shared fixtures: a small hand-built county and one persona user per role, plus an outsider."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fupin.areas.models import Area
from fupin.areas.selectors import forget_county_settings
from fupin.areas.services import areas_upsert
from fupin.core import idnumber
from fupin.core.audit import Actor
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.core.tests.robot import robot as robot  # a local DingTalk robot, for every app's tests
from fupin.people.models import Cadre, Unit
from fupin.people.scope import SUPERUSER
from fupin.people.services import account_create, cadres_upsert, units_upsert

PASSWORD = "persona-pass-1"
EVERYTHING = Scope(role=SUPERUSER, area_prefixes=None)
SYSTEM = Actor.system("测试")


@pytest.fixture(autouse=True)
def _fresh_county_settings() -> Iterator[None]:
    """Each test's database starts afresh; settings remembered by an earlier test must not serve."""
    forget_county_settings()
    yield
    forget_county_settings()


@dataclass
class County:
    county: Area
    town_a: Area
    town_b: Area
    village_a1: Area
    village_a2: Area
    village_b1: Area
    other_county: Area
    office_unit: Unit
    agriculture: Unit
    agriculture_station: Unit
    town_a_gov: Unit
    town_b_gov: Unit
    other_unit: Unit


def make_id(sequence: int, sex: str = "男") -> str:
    seq = sequence * 2 + (1 if sex == "男" else 0)
    return idnumber.make("610727", dt.date(1980, 1, 1), seq % 1000)


def area(code: str) -> Area:
    return Area.objects.get(code=code)


@pytest.fixture
def county(db: None) -> County:
    rows = [
        ("610727000000", "略阳县", False),
        ("610727100000", "兴州街道", False),
        ("610727101000", "接官亭镇", False),
        ("610727100200", "黄家坝村", True),
        ("610727100201", "石门沟村", False),
        ("610727101200", "青岗坪村", True),
        ("610726000000", "宁强县", False),
    ]
    areas_upsert(
        actor=SYSTEM,
        rows=[
            {"code": c, "name": n, "is_poor_village": p, "longitude": None, "latitude": None}
            for c, n, p in rows
        ],
    )
    units_upsert(
        actor=SYSTEM,
        rows=[
            {
                "code": "U1",
                "name": "县扶贫开发局",
                "kind": "sector_dept",
                "parent_code": None,
                "area": area("610727000000"),
            },
            {
                "code": "U2",
                "name": "县农业农村局",
                "kind": "sector_dept",
                "parent_code": None,
                "area": area("610727000000"),
            },
            {"code": "U3", "name": "县农技推广站", "kind": "institution", "parent_code": "U2", "area": None},
            {
                "code": "U4",
                "name": "兴州街道办事处",
                "kind": "party_gov",
                "parent_code": None,
                "area": area("610727100000"),
            },
            {
                "code": "U5",
                "name": "接官亭镇人民政府",
                "kind": "party_gov",
                "parent_code": None,
                "area": area("610727101000"),
            },
            {
                "code": "U9",
                "name": "宁强县扶贫局",
                "kind": "sector_dept",
                "parent_code": None,
                "area": area("610726000000"),
            },
        ],
    )
    units = {u.code: u for u in Unit.objects.all()}
    return County(
        county=area("610727000000"),
        town_a=area("610727100000"),
        town_b=area("610727101000"),
        village_a1=area("610727100200"),
        village_a2=area("610727100201"),
        village_b1=area("610727101200"),
        other_county=area("610726000000"),
        office_unit=units["U1"],
        agriculture=units["U2"],
        agriculture_station=units["U3"],
        town_a_gov=units["U4"],
        town_b_gov=units["U5"],
        other_unit=units["U9"],
    )


def add_cadre(code: str, name: str, unit: Unit, categories: list[str], sequence: int) -> Cadre:
    cadres_upsert(
        actor=SYSTEM,
        rows=[
            {
                "code": code,
                "name": name,
                "id_number": make_id(sequence),
                "phone": f"1380000{sequence:04d}",
                "unit": unit,
                "title": "",
                "categories": categories,
            }
        ],
    )
    return Cadre.objects.get(code=code)


@dataclass
class Personas:
    county: County
    cadres: dict[str, Cadre]
    users: dict[str, User]

    def client(self, name: str) -> Client:
        client = Client()
        client.force_login(self.users[name])
        return client


@pytest.fixture
def personas(county: County) -> Personas:
    c = county
    cadres = {
        "leader": add_cadre("G1", "赵县长", c.office_unit, ["county_leader", "paired_cadre"], 1),
        "office_cadre": add_cadre("G2", "钱主任", c.office_unit, ["dept_head", "paired_cadre"], 2),
        "agri_cadre": add_cadre("G3", "孙科员", c.agriculture, ["paired_cadre"], 3),
        "station_cadre": add_cadre("G4", "李技术员", c.agriculture_station, ["paired_cadre"], 4),
        "town_a_cadre": add_cadre("G5", "周镇长", c.town_a_gov, ["town_cadre", "paired_cadre"], 5),
        "town_b_cadre": add_cadre("G6", "吴干事", c.town_b_gov, ["town_cadre"], 6),
        "secretary": add_cadre("G7", "郑书记", c.agriculture, ["first_secretary"], 7),
        "other_cadre": add_cadre("G9", "冯干部", c.other_unit, ["paired_cadre"], 9),
    }
    plan = [
        ("county_admin", Role.COUNTY_ADMIN, c.county, None, None),
        ("county_leader", Role.COUNTY_LEADER, c.county, None, cadres["leader"]),
        ("office_staff", Role.OFFICE_STAFF, c.county, None, None),
        ("unit_user", Role.UNIT_USER, c.county, c.agriculture, None),
        ("town_official", Role.TOWN_OFFICIAL, c.town_a, c.town_a_gov, cadres["town_a_cadre"]),
        ("work_team", Role.WORK_TEAM, c.village_a1, c.agriculture, cadres["secretary"]),
        ("paired_cadre", Role.PAIRED_CADRE, c.county, c.agriculture, cadres["agri_cadre"]),
        ("public", Role.PUBLIC, c.county, None, None),
        ("outsider", Role.COUNTY_ADMIN, c.other_county, None, None),
    ]
    users = {}
    for username, role, area_, unit, cadre in plan:
        account = account_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            username=username,
            password=PASSWORD,
            role=role,
            area=area_,
            unit=unit,
            cadre=cadre,
        )
        users[username] = account.user
    for cadre in cadres.values():
        cadre.refresh_from_db()
    return Personas(county=c, cadres=cadres, users=users)


# A real browser for the end-to-end tests of every app: Debian's Chromium driven by Playwright, one
# per test session (a second Playwright in the same process does not start).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
