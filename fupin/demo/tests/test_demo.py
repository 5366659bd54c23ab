from collections import Counter

import pytest
from django.core.management import call_command

from fupin.areas.models import Area
from fupin.core import idnumber, phone
from fupin.core.models import ChangeLog
from fupin.core.roles import Role
from fupin.demo.county import build_county
from fupin.employment.models import CommunityFactory, Placement, Trainee, TransferEmployment, WelfarePost
from fupin.employment.selectors.laborers import REGISTERED
from fupin.people.models import Account, Cadre, CadreCategory, Unit


def test_same_seed_same_county_other_seed_other_county() -> None:
    assert build_county(7).ledgers() == build_county(7).ledgers()
    assert build_county(7).cadres != build_county(8).cadres


def test_county_has_the_seed_shape() -> None:
    county = build_county(2019)
    levels = Counter(row["层级"] for row in county.areas)
    assert levels == {"县": 1, "乡镇": 17, "村": 152}
    poor = sum(1 for row in county.areas if row.get("贫困村") == "是")
    assert 0.5 * 152 < poor < 152
    assert len(county.units) == 229
    assert 5800 <= len(county.cadres) <= 6500
    categories = Counter(c for row in county.cadres for c in row["干部类别"].split("、"))
    assert categories["部门主要负责人"] == 156
    team = [
        row
        for row in county.cadres
        if {"第一书记", "驻村工作队长", "驻村工作队员"} & set(row["干部类别"].split("、"))
    ]
    assert len(team) == 420
    assert categories["县级领导"] > 0 and categories["镇干部"] > 0 and categories["村干部"] > 0


def test_people_are_valid_and_unique() -> None:
    cadres = build_county(2019).cadres
    ids = [row["身份证号"] for row in cadres]
    assert all(idnumber.id_number_error(number) is None for number in ids)
    assert len(set(ids)) == len(ids)
    phones = [row["手机号码"] for row in cadres]
    assert all(phone.phone_error(number) is None for number in phones)
    assert len(set(phones)) == len(phones)
    names = Counter(row["姓名"] for row in cadres)
    assert all(2 <= len(name) <= 3 for name in names)


@pytest.mark.django_db(transaction=True)
def test_demo_command_imports_through_ledgers_with_change_log_and_logins() -> None:
    call_command("demo", "--seed", "2019")
    assert Area.objects.filter(level="village").count() == 152
    assert Unit.objects.count() == 229
    assert Cadre.objects.count() == len(build_county(2019).cadres)
    assert Cadre.objects.with_category(CadreCategory.DEPARTMENT_HEAD).count() == 156
    assert ChangeLog.objects.filter(batch="demo-2019", action="create").count() >= 229 + 170 + 6000
    roles = set(Account.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    _assert_employment_in_the_seeds_proportions()
    # A second run refuses; --if-empty skips quietly.
    call_command("demo", "--if-empty")
    assert Unit.objects.count() == 229


def test_registry_has_the_seed_counties_size_and_a_coverage_board_to_show() -> None:
    registry = build_county(2019).registry
    assert 12_500 <= len(registry.households) <= 14_000
    assert 40_000 <= len(registry.members) <= 47_000
    heads = {row["户编号"]: row["身份证号"] for row in registry.members if row["与户主关系"] == "户主"}
    assert all(heads[row["户编号"]] == row["户主身份证号"] for row in registry.households)
    ids = [row["身份证号"] for row in registry.members] + [
        row["身份证号"] for row in build_county(2019).cadres
    ]
    assert len(set(ids)) == len(ids)
    assert all(idnumber.sex_of(row["身份证号"]) == row["性别"] for row in registry.members)
    open_pairings = {row["户编号"] for row in registry.pairings if not row["结束日期"]}
    poor = [row["户编号"] for row in registry.households if row["脱贫属性"] in {"未脱贫", "返贫"}]
    unpaired = [code for code in poor if code not in open_pairings]
    assert 1 <= len(unpaired) <= 20
    ended_secretaries = [
        r for r in registry.work_teams if r["队内职务"].startswith("第一书记") and r["结束日期"]
    ]
    assert len(ended_secretaries) == 2
    load = Counter(row["干部编号"] for row in registry.pairings if not row["结束日期"])
    assert any(count > 5 for count in load.values())
    assert len({row["单位编码"] for row in registry.unit_villages}) < 229


@pytest.mark.django_db(transaction=True)
def test_demo_registry_imports_and_its_logins_see_their_own_part() -> None:
    from django.test import Client

    from fupin.registry.models import Household, Member
    from fupin.reports.figures import figures_document

    call_command("demo", "--seed", "2019")
    registry = build_county(2019).registry
    assert Household.objects.count() == len(registry.households)
    assert Member.objects.count() == len(registry.members)
    document = figures_document(Area.objects.get(code="610727000000"), "2019-11")
    assert document["duty"]["poor_households_unpaired"] >= 1
    assert document["duty"]["villages_with_first_secretary"] == 108
    # The seed's 2,600余人次 of policy training by November and 7,500余 exam results (every cadre
    # sat the county exam, those who failed sat it again).
    training = document["training"]
    assert 2600 <= training["person_times_ytd"] <= 2700
    assert 7500 <= training["exam_results"] <= 7700
    assert training["cadres_examined"] == Cadre.objects.count()
    assert 0.85 <= training["cadres_passed"] / training["cadres_examined"] <= 0.95
    # The seed's solar stations: 4 of 20 MW paying 1.37 million yuan to 95 villages, 8,216 households.
    solar = figures_document(Area.objects.get(code="610727000000"), "2019-12")["solar"]
    assert (solar["stations"], solar["capacity_kw"], solar["villages_distributed"]) == (4, "20000.00", 95)
    assert (solar["distributed_fen"], solar["households_paid"]) == (137_000_000, 8216)
    assert solar["payout_fen"] + solar["by_use_fen"]["小型公益事业"] == solar["distributed_fen"]
    industry = figures_document(Area.objects.get(code="610727000000"), "2019-12")["industry"]
    assert (industry["featured_industries"], industry["households_with_mlt_industry"]) == (6, 10_710)
    assert (
        industry["subsidies_applied"] == 4200
        and 0 < industry["subsidies_paid"] < industry["subsidies_accepted"]
    )
    client = Client()
    client.login(username="cadre", password="fupin2019")
    cadre = Cadre.objects.get(user__username="cadre")
    own = set(
        Household.objects.filter(pairings__cadre=cadre, pairings__end_date__isnull=True).values_list(
            "code", flat=True
        )
    )
    body = client.get("/households/").content.decode()
    assert own and all(code in body for code in own)
    assert (
        Household.objects.exclude(code__in=own)
        .filter(code__in=[c for c in body.split('"') if c.startswith("H")])
        .count()
        == 0
    )


def test_demo_month_of_checkins_has_a_countys_mix_of_kept_and_missed_rules() -> None:
    """The demo's check-ins, judged by the platform's own rule: most paired cadres reach 8 household
    days and most leaders and department heads keep their weekly rule, some do not, and about one
    in fifteen check-ins is invalid for each of the reasons a county sees."""
    import datetime as dt
    from decimal import Decimal

    from fupin.demo.fieldwork import demo_checkins, demo_month
    from fupin.fieldwork.validity import ValidityRules, judge

    county = build_county(2019)
    rows = demo_checkins(county, 2019)
    assert rows == demo_checkins(county, 2019)
    first, last = demo_month()
    assert (first, last) == (dt.date(2019, 11, 1), dt.date(2019, 11, 30))
    assert all(first.isoformat() <= row["日期"] <= last.isoformat() for row in rows)
    assert len({row["记录编号"] for row in rows}) == len(rows)

    points = {a["区划代码"]: (float(a["经度"]), float(a["纬度"])) for a in county.areas}
    points |= {h["户编号"]: (float(h["经度"]), float(h["纬度"])) for h in county.registry.households}
    paired = {(p["干部编号"], p["户编号"]) for p in county.registry.pairings if not p["结束日期"]}
    reasons: Counter[str] = Counter()
    days: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        household = row["户编号"]
        verdict = judge(
            rules=ValidityRules(radius_m=2000, accuracy_max_m=200),
            position=(float(row["经度"]), float(row["纬度"])),
            accuracy_m=Decimal(row["定位精度"]),
            reference=points[household or row["区划代码"]],
            reference_kind={"入户": "household", "驻村": "village", "驻镇": "town"}[row["类型"]],
            paired=(row["干部编号"], household) in paired if household else None,
        )
        reasons.update(verdict.reason.split("；") if verdict.reason else [])
        if verdict.valid:
            days.setdefault((row["干部编号"], row["类型"]), set()).add(row["日期"])
    invalid = sum(reasons.values())
    assert 0.05 <= invalid / len(rows) <= 0.08
    assert reasons["定位精度为0，疑似虚拟定位"] and reasons["当日未与该户结对，也不在该村驻村工作队"]
    assert any(r.startswith("距离农户") for r in reasons) and any(r.startswith("定位精度") for r in reasons)

    helpers = {c for c, _ in paired}
    reached = sum(1 for c in helpers if len(days.get((c, "入户"), ())) >= 8)
    assert 0.7 <= reached / len(helpers) <= 0.9

    weeks = [
        [(dt.date(2019, 11, 4) + dt.timedelta(days=7 * w + d)).isoformat() for d in range(7)]
        for w in range(4)
    ]
    for category, need, kinds in (
        ("县级领导", 3, ("驻镇", "驻村", "入户")),
        ("部门主要负责人", 4, ("驻村", "入户")),
    ):
        cadres = [c["干部编号"] for c in county.cadres if category in c["干部类别"]]
        met = 0
        for cadre in cadres:
            present = set().union(*(days.get((cadre, kind), set()) for kind in kinds))
            met += all(len(present & set(week)) >= need for week in weeks)
        assert 0.7 <= met / len(cadres) < 1, category
    quota = [
        c
        for c in county.cadres
        if {"县级领导", "部门主要负责人", "帮扶干部"} & set(c["干部类别"].split("、"))
    ]
    assert {c["干部编号"] for c in quota} <= {row["干部编号"] for row in rows}


def _assert_employment_in_the_seeds_proportions() -> None:
    """The seed's employment figures (docs/employment.md says how the demo scales the training)."""
    assert TransferEmployment.objects.filter(year=2019).count() == 15_700
    assert WelfarePost.objects.count() == 1_687
    held = WelfarePost.objects.filter(holder__isnull=False)
    assert held.count() > 1_500
    assert not held.exclude(holder__member__household__poverty_status__in=REGISTERED).exists()
    assert CommunityFactory.objects.count() == 10
    assert 10_000 <= Trainee.objects.count() <= 13_000
    assert Placement.objects.count() > 0
