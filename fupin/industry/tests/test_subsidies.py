"""以奖代补 household subsidies: the tiered standard, the workflow's order (nothing paid before
acceptance and publicity), the ledgers' rejections, and who may record each step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.industry.models import FeaturedIndustry, HouseholdSubsidy, SubsidyStatus
from fupin.industry.services.subsidies import (
    subsidy_accept,
    subsidy_apply,
    subsidy_pay,
    subsidy_publicise,
)
from fupin.industry.tests.conftest import EVERYTHING, SYSTEM, Solar
from fupin.ledgers.registry import LEDGERS
from fupin.ledgers.tests.helpers import COUNTY_ONLY, error_cells, import_rows, messages

pytestmark = pytest.mark.django_db
D = dt.date
STANDARDS = ["产业编码", "年度", "起点规模", "补助金额（元）"]
SUBSIDIES = [
    "补助编号",
    "户编号",
    "产业编码",
    "年度",
    "建设内容",
    "计划规模",
    "申请日期",
    "验收通过",
    "验收日期",
    "验收规模",
    "补助金额（元）",
    "公示日期",
    "兑付日期",
]


@pytest.fixture
def tiers(solar: Solar) -> Solar:
    assert import_rows(
        "featured-industries",
        [
            ["产业编码", "产业名称", "县区划代码", "规模单位", "中长期产业"],
            ["CY01", "乌鸡", "610727000000", "羽（只）", "是"],
        ],
    ).ok
    outcome = import_rows(
        "subsidy-standards",
        [
            STANDARDS,
            ["CY01", "2019", "50", "500"],
            ["CY01", "2019", "100", "1,000"],
            ["CY01", "2019", "300", "2000.50"],
        ],
    )
    assert outcome.ok, messages(outcome)
    return solar


def _apply(solar: Solar, code: str = "BZ1") -> HouseholdSubsidy:
    return subsidy_apply(
        actor=SYSTEM,
        scope=EVERYTHING,
        code=code,
        household=solar.households["H001"],
        industry=FeaturedIndustry.objects.get(code="CY01"),
        year=2019,
        project="新建鸡舍",
        planned_scale=Decimal(200),
        applied_on=D(2019, 3, 1),
    )


def test_the_amount_follows_the_highest_tier_reached_and_payment_waits_for_publicity(tiers: Solar) -> None:
    item = _apply(tiers)
    with pytest.raises(ApplicationError, match="当前状态为“已申请”"):
        subsidy_pay(
            actor=SYSTEM, scope=EVERYTHING, subsidy=item, expected_version=None, paid_on=D(2019, 10, 1)
        )
    item = subsidy_accept(
        actor=SYSTEM,
        scope=tiers.scope("town_official"),
        subsidy=item,
        expected_version=1,
        accepted_on=D(2019, 9, 20),
        passed=True,
        accepted_scale=Decimal("299.99"),
    )
    assert (item.status, item.amount_fen) == (SubsidyStatus.ACCEPTED, 100000)
    item = subsidy_publicise(
        actor=SYSTEM,
        scope=EVERYTHING,
        subsidy=item,
        expected_version=item.version,
        publicised_on=D(2019, 9, 25),
    )
    with pytest.raises(ApplicationError, match="公示期5天未满"):
        subsidy_pay(
            actor=SYSTEM,
            scope=EVERYTHING,
            subsidy=item,
            expected_version=item.version,
            paid_on=D(2019, 9, 29),
        )
    with pytest.raises(ConflictError):
        subsidy_pay(actor=SYSTEM, scope=EVERYTHING, subsidy=item, expected_version=1, paid_on=D(2019, 10, 1))
    item = subsidy_pay(
        actor=SYSTEM, scope=EVERYTHING, subsidy=item, expected_version=item.version, paid_on=D(2019, 9, 30)
    )
    assert item.status == SubsidyStatus.PAID and item.paid_on == D(2019, 9, 30)


def test_below_the_lowest_tier_is_not_accepted_and_a_failed_acceptance_pays_nothing(tiers: Solar) -> None:
    item = _apply(tiers)
    with pytest.raises(ApplicationError, match="未达到2019年乌鸡的最低补助标准"):
        subsidy_accept(
            actor=SYSTEM,
            scope=EVERYTHING,
            subsidy=item,
            expected_version=None,
            accepted_on=D(2019, 9, 1),
            passed=True,
            accepted_scale=Decimal(49),
        )
    item = subsidy_accept(
        actor=SYSTEM,
        scope=EVERYTHING,
        subsidy=item,
        expected_version=None,
        accepted_on=D(2019, 9, 1),
        passed=False,
        accepted_scale=None,
        notes="鸡舍未建成",
    )
    assert (item.status, item.amount_fen) == (SubsidyStatus.REJECTED, None)
    with pytest.raises(ApplicationError):
        subsidy_publicise(
            actor=SYSTEM, scope=EVERYTHING, subsidy=item, expected_version=None, publicised_on=D(2019, 9, 5)
        )


def test_who_may_record_which_step(tiers: Solar) -> None:
    for persona in ("town_official", "work_team", "county_leader", "outsider"):
        with pytest.raises(PermissionDenied):
            subsidy_apply(
                actor=SYSTEM,
                scope=tiers.scope(persona),
                code="BZ9",
                household=tiers.households["H001"],
                industry=FeaturedIndustry.objects.get(code="CY01"),
                year=2019,
                project="鸡舍",
                planned_scale=Decimal(1),
                applied_on=D(2019, 3, 1),
            )
    item = _apply(tiers)
    for persona in ("work_team", "county_leader", "outsider"):
        with pytest.raises(PermissionDenied):
            subsidy_accept(
                actor=SYSTEM,
                scope=tiers.scope(persona),
                subsidy=item,
                expected_version=None,
                accepted_on=D(2019, 9, 1),
                passed=True,
                accepted_scale=Decimal(60),
            )


def test_the_payment_ledger_imports_the_whole_workflow_and_exports_it_back(tiers: Solar) -> None:
    rows = [
        SUBSIDIES,
        [
            "BZ01",
            "H001",
            "CY01",
            "2019",
            "鸡舍",
            "200",
            "2019-03-01",
            "是",
            "2019-09-20",
            "320",
            "2000.50",
            "2019-09-25",
            "2019-10-08",
        ],
        ["BZ02", "H002", "CY01", "2019", "鸡舍", "100", "2019-03-02", "是", "2019-09-20", "100", "", "", ""],
        ["BZ03", "H003", "CY01", "2019", "鸡舍", "100", "2019-03-03", "否", "2019-09-20", "", "", "", ""],
        ["BZ04", "H004", "CY01", "2019", "鸡舍", "100", "2019-03-04", "", "", "", "", "", ""],
    ]
    outcome = import_rows("industry-subsidies", rows)
    assert outcome.ok, messages(outcome)
    stored = {s.code: (s.status, s.amount_fen) for s in HouseholdSubsidy.objects.all()}
    assert stored == {
        "BZ01": ("paid", 200050),
        "BZ02": ("accepted", 100000),
        "BZ03": ("rejected", None),
        "BZ04": ("applied", None),
    }
    from fupin.areas.models import Area
    from fupin.reports.figures import figures_document

    figures = figures_document(Area.objects.get(code="610727000000"), "2019-09")["industry"]
    # By 30 September: BZ01 paid only in October; BZ02 accepted; BZ03 failed; BZ04 applied.
    assert (figures["subsidies_applied"], figures["subsidies_accepted"], figures["subsidies_paid"]) == (
        4,
        2,
        0,
    )
    assert figures["subsidy_accepted_fen"] == 300050
    october = figures_document(Area.objects.get(code="610727000000"), "2019-10")["industry"]
    assert (october["subsidies_paid"], october["subsidy_paid_fen"]) == (1, 200050)
    exported = {r["code"]: r for r in LEDGERS["industry-subsidies"].export_rows(COUNTY_ONLY)}
    assert exported["BZ01"]["amount"] == "2000.50" and exported["BZ03"]["passed"] == "否"
    again = import_rows(
        "industry-subsidies",
        [
            SUBSIDIES,
            *(
                [
                    exported[c][col]
                    for col in (
                        "code",
                        "household_code",
                        "industry_code",
                        "year",
                        "project",
                        "planned_scale",
                        "applied_on",
                        "passed",
                        "accepted_on",
                        "accepted_scale",
                        "amount",
                        "publicised_on",
                        "paid_on",
                    )
                ]
                for c in sorted(exported)
            ),
        ],
    )
    assert again.ok and again.reports[0].result.unchanged == 4


GOOD = [
    "BZ01",
    "H001",
    "CY01",
    "2019",
    "鸡舍",
    "200",
    "2019-03-01",
    "是",
    "2019-09-20",
    "320",
    "",
    "2019-09-25",
    "",
]


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({10: "1000"}, "补助金额（元）", "与补助标准不符：验收规模320.00应补助2,000.50元"),
        ({9: "10"}, "验收规模", "未达到2019年乌鸡的最低补助标准"),
        ({8: "2019-02-01"}, "验收日期", "验收日期不能早于申请日期"),
        ({12: "2019-09-27"}, "兑付日期", "公示期5天未满"),
        ({11: "", 12: "2019-10-10"}, "兑付日期", "验收、公示后才能兑付"),
        ({7: "否", 9: ""}, "公示日期", "验收通过后才能公示"),
        ({7: "", 8: "", 9: "", 11: "", 10: "500"}, "补助金额（元）", "验收通过后才有补助金额"),
        ({7: "是", 8: "", 11: ""}, "验收日期", "须填写验收日期"),
        ({9: ""}, "验收规模", "验收通过须填写验收规模"),
        ({1: "H999"}, "户编号", "户编号不存在"),
        ({2: "CY99"}, "产业编码", "产业编码不存在"),
        ({6: "2099-01-01", 8: "", 7: "", 9: "", 11: ""}, "申请日期", "不能晚于今天"),
        ({10: "2000.505"}, "补助金额（元）", "两位小数"),
    ],
)
def test_bad_subsidy_rows_reject_the_file(
    tiers: Solar, changes: dict[int, str], column: str, reason: str
) -> None:
    row = [changes.get(i, cell) for i, cell in enumerate(GOOD)]
    outcome = import_rows("industry-subsidies", [SUBSIDIES, row])
    assert (2, column) in error_cells(outcome) and reason in messages(outcome), messages(outcome)
    assert not HouseholdSubsidy.objects.exists()


def test_bad_standard_rows_reject_the_file(tiers: Solar) -> None:
    outcome = import_rows(
        "subsidy-standards",
        [
            STANDARDS,
            ["CY01", "2020", "50", "800"],
            ["CY01", "2020", "100", "600"],
            ["CY99", "2020", "1", "1"],
            ["CY01", "2020", "200", "0"],
        ],
    )
    assert {(3, "补助金额（元）"), (4, "产业编码"), (5, "补助金额（元）")} <= error_cells(outcome)
    assert "高一档的补助金额不能低于第2行" in messages(outcome)


def test_subsidy_pages_walk_the_workflow_by_persona(tiers: Solar) -> None:
    office = tiers.personas.client("office_staff")
    chicken = FeaturedIndustry.objects.get(code="CY01")
    created = office.post(
        "/industry/subsidies/new/",
        {
            "code": "BZ7",
            "household_code": "H001",
            "industry": chicken.pk,
            "year": "2019",
            "project": "鸡舍",
            "planned_scale": "200",
            "applied_on": "2019-03-01",
        },
    )
    assert created.status_code == 302
    item = HouseholdSubsidy.objects.get(code="BZ7")
    url = f"/industry/subsidies/{item.pk}/"
    # The work team sees its village's subsidy but may not accept it; the town official may.
    assert tiers.personas.client("work_team").get(url).status_code == 200
    assert (
        tiers.personas.client("work_team").post(url, {"day": "2019-09-20", "version": 1}).status_code == 403
    )
    assert tiers.personas.client("outsider").get(url).status_code == 404
    town = tiers.personas.client("town_official")
    below = town.post(url, {"day": "2019-09-20", "passed": "yes", "accepted_scale": "10", "version": 1})
    assert "未达到2019年乌鸡的最低补助标准" in below.content.decode()
    town.post(url, {"day": "2019-09-20", "passed": "yes", "accepted_scale": "150", "version": 1})
    assert town.post(url, {"day": "2019-09-25", "version": 2}).status_code == 403  # publicity is the county's
    office.post(url, {"day": "2019-09-25", "version": 2})
    early = office.post(url, {"day": "2019-09-27", "version": 3})
    assert "公示期5天未满" in early.content.decode()
    office.post(url, {"day": "2019-10-08", "version": 3})
    item.refresh_from_db()
    assert (item.status, item.amount_fen, item.paid_on) == ("paid", 100000, D(2019, 10, 8))
    listing = office.get("/industry/subsidies/?year=2019").content.decode()
    assert 'data-subsidy="BZ7"' in listing and "1,000.00" in listing
