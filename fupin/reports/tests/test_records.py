"""The drill-down: for every figure of the document, the records page lists exactly the rows the
figure counts (or whose amounts sum to it), for a county, a town and a village at two as-of dates;
the page and its Excel file; who may open it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from fupin.areas.models import Area
from fupin.conftest import County, Personas
from fupin.employment.models import (
    CommunityFactory,
    FactoryWorker,
    JobPosting,
    Laborer,
    Placement,
    SkillTraining,
    Trainee,
    TransferEmployment,
    WelfarePost,
)
from fupin.fieldwork.models import CheckIn
from fupin.industry.models import (
    BenefitLink,
    BusinessEntity,
    DistributionStatus,
    FeaturedIndustry,
    FundAllocation,
    FundProject,
    FundSource,
    HouseholdIndustry,
    HouseholdSubsidy,
    InsuranceClaim,
    InsurancePolicy,
    LinkIncome,
    LoanRepayment,
    MicroLoan,
    MutualAidAssociation,
    MutualAidLoan,
    SolarAllocation,
    SolarDistribution,
    SolarIncome,
    SolarOwnership,
    SolarPayout,
    SolarStation,
)
from fupin.people.models import Cadre
from fupin.rectification.models import Problem, ProblemCategory
from fupin.registry.models import Household, Member
from fupin.reports.figures import figures_document
from fupin.reports.links import records_url
from fupin.reports.records import count_of, record_source, total_of
from fupin.reports.records_page import figure_path_label
from fupin.reports.tests.test_figures import A1, A2, B1, COUNTY, TOWN_A, ledger_set  # noqa: F401
from fupin.training.models import Attempt, Attendance, Exam, Training

D = dt.date
AREAS = (COUNTY, TOWN_A, A1)
# (month, as_of): a month's end, and a day inside the next month that the stocks are read on.
PERIODS = (("2019-11", None), ("2019-12", "2019-12-10"))
# Sections whose figures are not counts of rows: they link to their own report pages.
REPORT_SECTIONS = frozenset({"indicators", "projects"})
SUM_STRINGS = frozenset({"capacity_kw", "scale"})  # decimal sums the document writes as text
QUERY_CEILING = 10  # session, user, account; the count, the page, and the scope's reads
SUMS = frozenset({"transfer_income", "job_positions_open", *SUM_STRINGS})  # sums that are not money


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


# --- a county with rows in every section -------------------------------------------------------------


def _fieldwork(county: County, cadres: dict[str, Cadre], h: dict[str, Household]) -> None:
    a1, b1 = county.village_a1, county.village_b1
    n = 0

    def checkin(cadre: str, day: dt.date, kind: str, area: Area, valid: bool, household: str = "") -> None:
        nonlocal n
        n += 1
        CheckIn.objects.create(
            code=f"C{n:04d}",
            cadre=cadres[cadre],
            date=day,
            kind=kind,
            area=area,
            area_code=area.code,
            household=h[household] if household else None,
            source="api",
            valid=valid,
            invalid_reason="" if valid else "定位精度为0，疑似虚拟定位",
        )

    for day in range(4, 14):  # G3: ten household days in November, meets the paired cadre's rule
        checkin("G3", D(2019, 11, day), "household", a1, True, "H1")
    checkin("G3", D(2019, 11, 20), "household", a1, False, "H1")
    for day in (5, 6, 7):  # G5: three days, falls short
        checkin("G5", D(2019, 11, day), "household", a1, True, "H8")
    checkin("G8", D(2019, 11, 12), "town", county.town_a, True)
    checkin("G3", D(2019, 12, 2), "village", b1, True)
    checkin("G4", D(2019, 12, 3), "village", b1, False)


def _rectification(county: County, cadres: dict[str, Cadre]) -> None:
    health = ProblemCategory.objects.create(county=county.county, name="医疗保障", order=1)
    housing = ProblemCategory.objects.create(county=county.county, name="住房安全", order=2)
    plan = [
        # code, area, category, channel, found, deadline, status, completed, closed
        ("P1", county.village_a1, health, "talk", D(2019, 10, 1), D(2019, 11, 15), "open", None, None),
        (
            "P2",
            county.village_a1,
            health,
            "symposium",
            D(2019, 10, 5),
            D(2019, 12, 31),
            "rectified",
            D(2019, 11, 20),
            None,
        ),
        (
            "P3",
            county.village_a2,
            housing,
            "symposium",
            D(2019, 11, 2),
            D(2019, 11, 30),
            "closed",
            D(2019, 11, 25),
            D(2019, 12, 5),
        ),
        (
            "P4",
            county.town_b,
            housing,
            "suggestion_box",
            D(2019, 11, 10),
            D(2019, 11, 20),
            "in_progress",
            None,
            None,
        ),
        ("P5", county.county, health, "talk", D(2019, 12, 3), D(2019, 12, 8), "open", None, None),
        (
            "P6",
            county.village_a1,
            housing,
            "feedback_form",
            D(2019, 11, 28),
            D(2019, 12, 1),
            "rectified",
            D(2019, 12, 9),
            None,
        ),
    ]
    for code, area, category, channel, found, deadline, status, completed, closed in plan:
        Problem.objects.create(
            code=code,
            channel=channel,
            origin="self",
            category=category,
            description=f"问题{code}",
            area=area,
            area_code=area.code,
            found_date=found,
            deadline=deadline,
            status=status,
            completed_date=completed,
            closed_date=closed,
        )


def _training(county: County, cadres: dict[str, Cadre]) -> None:
    def training(code: str, day: dt.date, area: Area, attendees: list[str]) -> None:
        t = Training.objects.create(
            code=code,
            topic=f"培训{code}",
            date=day,
            place="会议室",
            organiser=county.office_unit,
            kind="classroom",
            area=area,
            area_code=area.code,
            sign_in_token=f"token-{code}",
        )
        for cadre in attendees:
            Attendance.objects.create(training=t, cadre=cadres[cadre], method="phone", signed_at=at(day))

    training("T1", D(2019, 11, 8), county.county, ["G2", "G3", "G5"])
    training("T2", D(2019, 11, 20), county.village_a1, ["G3", "G7"])
    training("T3", D(2019, 10, 10), county.town_a, ["G5"])
    training("T4", D(2019, 12, 5), county.village_a1, ["G3"])
    exam = Exam.objects.create(
        code="E1",
        title="政策知识考试",
        area=county.county,
        area_code=county.county.code,
        opens_at=at(D(2019, 11, 5)),
        closes_at=at(D(2019, 12, 20)),
        time_limit_minutes=60,
        pass_mark=60,
        paper_kind="fixed",
    )
    Exam.objects.create(
        code="E2",
        title="镇考试",
        area=county.town_b,
        area_code=county.town_b.code,
        opens_at=at(D(2019, 12, 1)),
        closes_at=at(D(2019, 12, 2)),
        time_limit_minutes=60,
        pass_mark=60,
        paper_kind="fixed",
    )
    for cadre, number, day, passed in (
        ("G3", 1, D(2019, 11, 6), False),
        ("G3", 2, D(2019, 11, 7), True),
        ("G5", 1, D(2019, 11, 6), False),
        ("G7", 1, D(2019, 12, 4), True),
        ("G2", 1, D(2019, 11, 9), True),
    ):
        Attempt.objects.create(
            exam=exam,
            cadre=cadres[cadre],
            number=number,
            started_at=at(day, 9),
            deadline=at(day, 11),
            scored_at=at(day),
            score=Decimal(80 if passed else 40),
            passed=passed,
        )


def _employment(county: County, h: dict[str, Household]) -> None:
    def laborer(household: str, skill: str, active: bool = True) -> Laborer:
        member = Member.objects.filter(household=h[household]).order_by("pk").first()
        assert member is not None
        member.labour = skill
        member.save(update_fields=["labour"])
        return Laborer.objects.create(
            member=member,
            id_number=member.id_number,
            name=member.name,
            area_code=h[household].area_code,
            active=active,
        )

    l1, l2, l3, l5 = (
        laborer("H1", "ordinary"),
        laborer("H2", "skilled"),
        laborer("H3", "weak"),
        laborer("H5", "ordinary"),
    )
    laborer("H4", "ordinary", active=False)
    a1, a2, b1 = county.village_a1, county.village_a2, county.village_b1
    s1 = SkillTraining.objects.create(
        code="S1",
        title="电工",
        work_type="electrician",
        area=a1,
        area_code=a1.code,
        start_date=D(2019, 11, 1),
        end_date=D(2019, 11, 10),
    )
    s2 = SkillTraining.objects.create(
        code="S2",
        title="烹饪",
        work_type="cooking",
        area=county.county,
        area_code=county.county.code,
        start_date=D(2019, 12, 1),
        end_date=D(2019, 12, 5),
    )
    s3 = SkillTraining.objects.create(
        code="S3",
        title="家政",
        work_type="housekeeping",
        area=b1,
        area_code=b1.code,
        start_date=D(2019, 11, 20),
        end_date=D(2019, 12, 20),
    )
    for training, laborers in ((s1, [l1, l3]), (s2, [l1, l5]), (s3, [l5])):
        for each in laborers:
            Trainee.objects.create(training=training, laborer=each)
    for code, village, funding, holder, start, end in (
        ("W1", a1, "solar", l1, D(2019, 1, 1), None),
        ("W2", a1, "fiscal", None, D(2019, 1, 1), D(2019, 11, 30)),
        ("W3", a2, "solar", l2, D(2019, 12, 1), None),
        ("W4", b1, "other", l5, D(2019, 6, 1), None),
    ):
        WelfarePost.objects.create(
            code=code,
            village=village,
            area_code=village.code,
            post_type="cleaning",
            holder=holder,
            monthly_wage=Decimal(500),
            funding=funding,
            start_date=start,
            end_date=end,
        )
    f1 = CommunityFactory.objects.create(
        code="F1", name="一厂", area=a1, area_code=a1.code, opened=D(2019, 3, 1)
    )
    f2 = CommunityFactory.objects.create(
        code="F2", name="二厂", area=b1, area_code=b1.code, opened=D(2019, 12, 5)
    )
    FactoryWorker.objects.create(factory=f1, laborer=l2, start_date=D(2019, 4, 1))
    FactoryWorker.objects.create(factory=f1, laborer=l3, start_date=D(2019, 4, 1), end_date=D(2019, 12, 1))
    FactoryWorker.objects.create(factory=f2, laborer=l5, start_date=D(2019, 12, 6))
    for each, region, income in (
        (l1, "in_county", "12000.40"),
        (l3, "out_of_province", "30500.30"),
        (l5, "in_province", "999.50"),
    ):
        TransferEmployment.objects.create(
            laborer=each, area_code=each.area_code, year=2019, region=region, months=6, income=Decimal(income)
        )
    p1 = JobPosting.objects.create(
        code="J1",
        employer="某公司",
        title="普工",
        work_type="general",
        area=county.county,
        area_code=county.county.code,
        monthly_wage=Decimal(3000),
        positions=5,
        start_date=D(2019, 10, 1),
        end_date=D(2019, 12, 31),
    )
    JobPosting.objects.create(
        code="J2",
        employer="某厂",
        title="焊工",
        work_type="welding",
        area=a1,
        area_code=a1.code,
        monthly_wage=Decimal(4000),
        positions=2,
        start_date=D(2019, 11, 1),
        end_date=D(2019, 11, 30),
    )
    Placement.objects.create(laborer=l1, posting=p1, area_code=l1.area_code, date=D(2019, 11, 12))
    Placement.objects.create(laborer=l5, posting=p1, area_code=l5.area_code, date=D(2019, 12, 2))


def _industry(county: County, h: dict[str, Household]) -> None:
    tea = FeaturedIndustry.objects.create(
        county=county.county, code="I1", name="茶叶", scale_unit="mu", medium_long_term=True, order=1
    )
    pig = FeaturedIndustry.objects.create(
        county=county.county, code="I2", name="生猪", scale_unit="head", order=2
    )
    for household, industry, scale in (
        ("H1", tea, "2.50"),
        ("H1", pig, "3"),
        ("H2", pig, "1"),
        ("H5", tea, "4.25"),
        ("H9", tea, "1"),
    ):
        HouseholdIndustry.objects.create(
            household=h[household],
            industry=industry,
            year=2019,
            scale=Decimal(scale),
            area_code=h[household].area_code,
        )
    for code, household, applied, accepted, amount, paid in (
        ("SB1", "H1", D(2019, 3, 1), D(2019, 6, 1), 150000, D(2019, 11, 20)),
        ("SB2", "H3", D(2019, 4, 1), D(2019, 12, 5), 80000, None),
        ("SB3", "H5", D(2019, 5, 1), None, None, None),
        ("SB4", "H2", D(2019, 12, 8), D(2019, 12, 9), 50000, D(2019, 12, 9)),
    ):
        HouseholdSubsidy.objects.create(
            code=code,
            household=h[household],
            area_code=h[household].area_code,
            industry=tea,
            year=2019,
            project="茶园",
            planned_scale=Decimal(1),
            applied_on=applied,
            accepted_on=accepted,
            amount_fen=amount,
            paid_on=paid,
            publicised_on=paid,
        )
    e1 = BusinessEntity.objects.create(
        code="B1",
        name="茶叶合作社",
        kind="cooperative",
        area=county.village_a1,
        area_code=county.village_a1.code,
        industry=tea,
        established_on=D(2018, 5, 1),
    )
    e2 = BusinessEntity.objects.create(
        code="B2",
        name="生猪公司",
        kind="leading_firm",
        area=county.village_b1,
        area_code=county.village_b1.code,
        industry=pig,
        established_on=D(2019, 12, 1),
    )
    for entity, household, signed, ends, income in (
        (e1, "H1", D(2019, 1, 1), None, 30000),
        (e1, "H3", D(2019, 1, 1), D(2019, 11, 30), 12000),
        (e2, "H5", D(2019, 12, 2), None, 8000),
        (e1, "H4", D(2019, 1, 1), None, 500),  # a cancelled household: linked but not counted
    ):
        link = BenefitLink.objects.create(
            entity=entity,
            household=h[household],
            area_code=h[household].area_code,
            link_type="purchase_dividend",
            signed_on=signed,
            ends_on=ends,
        )
        LinkIncome.objects.create(link=link, year=2019, income_fen=income)


def _finance(county: County, h: dict[str, Household]) -> None:
    tea = FeaturedIndustry.objects.get(code="I1")
    source = FundSource.objects.create(
        code="FS1", county=county.county, year=2019, name="中央资金", level="central", amount_fen=100000000
    )
    FundSource.objects.create(
        code="FS2", county=county.other_county, year=2019, name="外县", level="county", amount_fen=7
    )
    for code, area, amount, spent in (
        ("FP1", county.village_a1, 3000000, 1000000),
        ("FP2", county.town_b, 5000000, 0),
    ):
        project = FundProject.objects.create(
            code=code, year=2019, name=f"项目{code}", kind="industry", area=area, area_code=area.code
        )
        FundAllocation.objects.create(source=source, project=project, amount_fen=amount, spent_fen=spent)
    for code, household, starts, ends, subsidy, claim in (
        ("IP1", "H1", D(2019, 3, 1), D(2020, 2, 28), 4000, (D(2019, 11, 3), 20000)),
        ("IP2", "H5", D(2019, 1, 1), D(2019, 11, 30), 3000, (D(2019, 12, 1), 1000)),
        ("IP3", "H2", D(2019, 12, 5), D(2020, 12, 4), 5000, None),
    ):
        policy = InsurancePolicy.objects.create(
            code=code,
            household=h[household],
            area_code=h[household].area_code,
            insurer="人保",
            industry=tea,
            sum_insured_fen=1000000,
            premium_fen=10000,
            premium_subsidy_fen=subsidy,
            starts_on=starts,
            ends_on=ends,
        )
        if claim:
            InsuranceClaim.objects.create(
                policy=policy, occurred_on=claim[0], cause="冰雹", paid_on=claim[0], paid_fen=claim[1]
            )
    association = MutualAidAssociation.objects.create(
        code="MA1",
        name="互助协会",
        village=county.village_a1,
        area_code=county.village_a1.code,
        fund_fen=20000000,
        established_on=D(2018, 1, 1),
    )
    for code, household, amount, lent, due, repaid in (
        ("ML1", "H1", 500000, D(2019, 2, 1), D(2019, 11, 1), None),
        ("ML2", "H2", 300000, D(2019, 3, 1), D(2020, 3, 1), D(2019, 12, 5)),
        ("ML3", "H3", 200000, D(2018, 6, 1), D(2019, 6, 1), D(2019, 7, 1)),
    ):
        MutualAidLoan.objects.create(
            code=code,
            association=association,
            household=h[household],
            area_code=h[household].area_code,
            amount_fen=amount,
            lent_on=lent,
            due_on=due,
            repaid_on=repaid,
        )
    for code, household, amount, start, due, repayments in (
        (
            "L1",
            "H1",
            5000000,
            D(2018, 12, 1),
            D(2019, 11, 20),
            [(D(2019, 6, 1), 1000000, 5000), (D(2019, 11, 25), 0, 3000)],
        ),
        ("L2", "H5", 3000000, D(2019, 5, 1), D(2022, 5, 1), [(D(2019, 12, 5), 3000000, 2000)]),
        ("L3", "H3", 1000000, D(2019, 12, 6), D(2022, 12, 6), []),
    ):
        borrower = Member.objects.filter(household=h[household]).order_by("pk").first()
        loan = MicroLoan.objects.create(
            code=code,
            household=h[household],
            area_code=h[household].area_code,
            borrower=borrower,
            lender="信用社",
            amount_fen=amount,
            term_months=36,
            annual_rate=Decimal("0.0435"),
            start_date=start,
            due_date=due,
            purpose="养殖",
        )
        for paid_on, principal, interest in repayments:
            LoanRepayment.objects.create(
                loan=loan, paid_on=paid_on, principal_fen=principal, interest_fen=interest
            )


def _solar(county: County, h: dict[str, Household]) -> None:
    station = SolarStation.objects.create(
        code="PV1", name="一号电站", area=county.town_a, capacity_kw=Decimal("300.5")
    )
    SolarOwnership.objects.create(station=station, village=county.village_a1, share=Decimal(2))
    SolarOwnership.objects.create(station=station, village=county.village_b1, share=Decimal(1))
    for month, fen in ((1, 400001), (11, 300000), (12, 100000)):
        SolarIncome.objects.create(
            station=station, month=D(2019, month, 1), generation_kwh=Decimal(1000), income_fen=fen
        )
    for village, approved, total in (
        (county.village_a1, D(2019, 11, 25), 600001),
        (county.village_b1, D(2019, 12, 15), 100000),
    ):
        plan = SolarDistribution.objects.create(
            village=village,
            area_code=village.code,
            year=2019,
            reference_date=D(2019, 11, 1),
            total_fen=total,
            status=DistributionStatus.FROZEN,
            approved_on=approved,
        )
        SolarAllocation.objects.create(distribution=plan, use="jobs", amount_fen=total // 2)
        SolarAllocation.objects.create(distribution=plan, use="rewards", amount_fen=total - total // 2)
        SolarAllocation.objects.create(distribution=plan, use="public_works", amount_fen=0)
        households = [x for x in h.values() if x.area_code == village.code][:2]
        for use in ("jobs", "rewards"):
            for each in households:
                SolarPayout.objects.create(
                    distribution=plan,
                    use=use,
                    household=each,
                    household_code=each.code,
                    head_name=each.head_name,
                    head_id_masked=each.masked_head_id_number,
                    village_code=village.code,
                    village_name=village.name,
                    weight=Decimal(1),
                    amount_fen=1000,
                )


@pytest.fixture
def drill(county: County, ledger_set: dict[str, Household]) -> dict[str, Household]:  # noqa: F811
    cadres = {c.code: c for c in Cadre.objects.all()}
    _fieldwork(county, cadres, ledger_set)
    _rectification(county, cadres)
    _training(county, cadres)
    _employment(county, ledger_set)
    _industry(county, ledger_set)
    _finance(county, ledger_set)
    _solar(county, ledger_set)
    return ledger_set


# --- every figure against its records ---------------------------------------------------------------


def figure_paths(node: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of the document below the sections, as (dotted path, value)."""
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from figure_paths(value, f"{path}.")
        else:
            yield path, value


def _yuan(total: Decimal) -> int:
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("area_code", AREAS)
@pytest.mark.parametrize(("month", "as_of"), PERIODS)
def test_every_figure_lists_exactly_the_records_it_counts(
    drill: dict[str, Household], area_code: str, month: str, as_of: str | None
) -> None:
    area = Area.objects.get(code=area_code)
    doc = figures_document(area, month, as_of)
    year, number = (int(part) for part in month.split("-"))
    as_of_date = D.fromisoformat(doc["as_of"])
    checked, nonzero = 0, 0
    for path, value in figure_paths({k: v for k, v in doc.items() if isinstance(v, dict)}):
        section, key = path.split(".", 1)[0], path.rsplit(".", 1)[-1]
        if section in REPORT_SECTIONS:
            assert records_url(area_code, month, as_of, path) is not None, path
            continue
        is_sum = key in SUMS or key.endswith("_fen") or path.startswith("solar.by_use_fen.")
        is_count = isinstance(value, int) and not isinstance(value, bool) and not is_sum
        if not is_count and key not in SUM_STRINGS and not isinstance(value, int):
            continue  # a unit's name, not a figure
        source = record_source(path)
        assert source is not None, f"{path} has no records"
        rows = source.fetch(area, year, number, as_of_date)
        if is_count:
            assert source.amount is None, path
            assert count_of(rows) == value, f"{area_code} {month} {path}: {count_of(rows)} rows ≠ {value}"
        else:
            total = total_of(source, rows)
            assert total is not None, f"{path} is a sum but its records carry no amount"
            if key in SUM_STRINGS:
                assert str(Decimal(total).quantize(Decimal("0.01"))) == value, path
            elif key == "transfer_income":
                assert _yuan(Decimal(total)) == value, path
            else:
                assert total == value, f"{area_code} {month} {path}: {total} ≠ {value}"
        checked += 1
        nonzero += bool(value and value != "0.00")
        assert records_url(area_code, month, as_of, path) is not None, path
    assert checked >= 100
    if area_code == COUNTY:
        assert nonzero >= 80, "the county's data should make most figures non-zero"


def test_map_entries_and_quota_categories_resolve_by_pattern(drill: dict[str, Household]) -> None:
    county = Area.objects.get(code=COUNTY)
    doc = figures_document(county, "2019-11")
    assert doc["rectification"]["by_category"] == {"医疗保障": 2, "住房安全": 3}
    assert doc["fieldwork"]["quota"]["帮扶干部"]["met"] == 1
    met = record_source("fieldwork.quota.帮扶干部.met")
    assert met is not None
    assert [row[0].code for row in met.fetch(county, 2019, 11, D(2019, 11, 30))] == ["G3"]
    assert record_source("rectification.by_category.不存在的类别") is not None  # an empty list, not an error
    assert record_source("rectification.by_channel.不存在的渠道") is None
    assert record_source("fieldwork.quota.帮扶干部.unknown") is None
    assert record_source("registry.no_such_figure") is None
    assert records_url(COUNTY, "2019-11", None, "registry.no_such_figure") is None
    assert (
        records_url(COUNTY, "2019-11", None, "indicators.NY01.ytd")
        == "/indicators/report/?area=610727000000&year=2019&month=11"
    )
    assert records_url(COUNTY, "2019-11", "2019-11-20", "registry.poor_households") == (
        "/reports/records/?area=610727000000&month=2019-11&figure=registry.poor_households&as_of=2019-11-20"
    )


# --- the page -------------------------------------------------------------------------------------


@pytest.fixture
def page_set(personas: Personas, drill: dict[str, Household]) -> Personas:
    return personas


def page(personas: Personas, persona: str, **params: str) -> Any:
    return personas.client(persona).get("/reports/records/", params)


def test_the_page_names_the_figure_and_counts_its_records(page_set: Personas) -> None:
    response = page(page_set, "county_admin", area=TOWN_A, month="2019-11", figure="registry.poor_households")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "未脱贫户（含返贫）" in html and "兴州街道" in html and "2019年11月" in html
    doc = figures_document(Area.objects.get(code=TOWN_A), "2019-11")
    assert f'data-testid="records-total">{doc["registry"]["poor_households"]}<' in html
    assert 'href="/households/H1/"' in html  # each household links to its own file
    # H8 exited on 15 December: counted by its status on the 30 November, shown beside today's.
    h8 = html[html.index('href="/households/H8/"') :].split("</tr>")[0]
    assert "已脱贫" in h8 and h8.rstrip().endswith("未脱贫</td>")
    assert "610727********" in html and Household.objects.get(code="H1").head_id_number not in html


def test_a_money_figure_shows_the_total_of_its_records(page_set: Personas) -> None:
    response = page(page_set, "county_admin", area=COUNTY, month="2019-12", figure="finance.outstanding_fen")
    html = response.content.decode()
    doc = figures_document(Area.objects.get(code=COUNTY), "2019-12")
    assert doc["finance"]["outstanding_fen"] == 4000000 + 1000000
    assert 'data-testid="records-sum">50,000.00 元<' in html
    assert 'data-testid="records-total">2<' in html


def test_the_excel_file_has_one_line_per_record_and_masks_id_numbers(page_set: Personas) -> None:
    response = page(
        page_set, "county_admin", area=COUNTY, month="2019-11", figure="registry.households", format="xlsx"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    total = figures_document(Area.objects.get(code=COUNTY), "2019-11")["registry"]["households"]
    assert len(rows) - 1 == total == 6
    assert rows[0][:3] == ("户编号", "户主", "户主身份证号")
    assert all("*" in row[2] for row in rows[1:])


def test_a_long_list_is_paginated_in_a_stable_order_with_a_query_ceiling(page_set: Personas) -> None:
    area = Area.objects.get(code=A1)
    cadre = Cadre.objects.get(code="G3")
    CheckIn.objects.bulk_create(
        CheckIn(
            code=f"X{n:04d}",
            cadre=cadre,
            date=D(2019, 11, 1 + n % 28),
            kind="village",
            area=area,
            area_code=area.code,
            source="api",
            valid=True,
        )
        for n in range(120)
    )
    client = page_set.client("county_admin")
    params = {"area": COUNTY, "month": "2019-11", "figure": "fieldwork.valid_checkins"}
    with CaptureQueriesContext(connection) as first:
        response = client.get("/reports/records/", params)
    html = response.content.decode()
    total = figures_document(Area.objects.get(code=COUNTY), "2019-11")["fieldwork"]["valid_checkins"]
    assert f'data-testid="records-total">{total}<' in html and total > 120
    assert html.count("<tr>") == 1 + 50
    with CaptureQueriesContext(connection) as last:
        second = client.get("/reports/records/", params | {"page": "3"})
    assert second.content.decode().count("<tr>") == 1 + (total - 100)
    assert len(first) <= QUERY_CEILING and len(last) == len(first), [q["sql"] for q in first]


@pytest.mark.parametrize(
    ("persona", "area", "status"),
    [
        ("town_official", COUNTY, 403),  # the county is wider than its town
        ("town_official", "610727101000", 403),  # another town
        ("town_official", A2, 200),  # a village of its own town
        ("paired_cadre", COUNTY, 403),
        ("unit_user", COUNTY, 403),
        ("work_team", A1, 403),
        ("public", COUNTY, 403),
        ("outsider", COUNTY, 403),
        ("county_leader", A1, 200),
    ],
)
def test_only_area_wide_accounts_see_records_of_their_own_area(
    page_set: Personas, persona: str, area: str, status: int
) -> None:
    response = page(page_set, persona, area=area, month="2019-11", figure="registry.households")
    assert response.status_code == status
    assert ('data-testid="records-total"' in response.content.decode()) == (status == 200)


def test_an_anonymous_visitor_is_sent_to_the_login(page_set: Personas) -> None:
    from django.test import Client

    response = Client().get(
        "/reports/records/", {"area": COUNTY, "month": "2019-11", "figure": "registry.households"}
    )
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_bad_figure_path_is_a_404_with_a_chinese_message(page_set: Personas) -> None:
    response = page(page_set, "county_admin", area=COUNTY, month="2019-11", figure="registry.nothing")
    assert response.status_code == 404
    assert "没有“registry.nothing”这项统计数字的明细" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [({"month": "11/2019"}, "month"), ({"month": "2019-11", "as_of": "2019-11-31"}, "as_of")],
)
def test_a_bad_month_or_date_is_a_400_naming_the_field(
    page_set: Personas, params: dict[str, str], field: str
) -> None:
    response = page(page_set, "county_admin", area=COUNTY, figure="registry.households", **params)
    assert response.status_code == 400
    assert f"<code>{field}</code>" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("registry.poor_households", "未脱贫户（含返贫）"),
        ("rectification.by_category.医疗保障", "按问题类别：医疗保障"),
        ("fieldwork.quota.帮扶干部.met", "到岗达标：帮扶干部 · 达标干部"),
        ("causes.因病.poor", "致贫原因：因病 · 未脱贫户（含返贫）"),
    ],
)
def test_a_figure_path_reads_as_its_chinese_name(path: str, label: str) -> None:
    assert figure_path_label(path) == label
