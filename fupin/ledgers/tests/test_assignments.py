"""The chain-of-responsibility ledgers: pairings, work-teams, unit-villages, leader-towns.

Every reading rule they add (codes that must exist, the key of three columns, the period rules
of the duty services, the importing user's area) with its row and column, and the round trip.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fupin.areas.models import Area
from fupin.conftest import County, add_cadre, make_id
from fupin.core.models import ChangeLog
from fupin.duty.models import LeaderTown, Pairing, TeamRole, UnitVillage, WorkTeamMember
from fupin.ledgers.base import ImportContext
from fupin.ledgers.exports import ledger_export_csv, ledger_export_xlsx, ledger_template
from fupin.ledgers.registry import LEDGERS, dependency_order
from fupin.ledgers.services import ledger_import_files
from fupin.ledgers.tests.helpers import (
    CADRES_HEADER,
    COUNTY_ONLY,
    context,
    csv_bytes,
    error_cells,
    import_file,
    import_rows,
    messages,
    run_command,
    sheet_rows,
    totals,
    write_csv,
)
from fupin.people.models import Cadre
from fupin.registry.models import Household, PovertyStatus

D = dt.date
PAIRINGS = ["干部编号", "户编号", "开始日期", "结束日期"]
TEAMS = ["区划代码", "干部编号", "队内职务", "派出单位编码", "开始日期", "结束日期"]
UNIT_VILLAGES = ["单位编码", "区划代码", "开始日期", "结束日期"]
LEADER_TOWNS = ["干部编号", "区划代码", "牵头部门单位编码", "开始日期", "结束日期"]
A1, A2, B1, TOWN_A, TOWN_B = "610727100200", "610727100201", "610727101200", "610727100000", "610727101000"
OTHER_VILLAGE = "610726100200"


def _household(code: str, village: Area, status: str = PovertyStatus.NOT_OUT) -> Household:
    return Household.objects.create(
        code=code,
        village=village,
        area_code=village.code,
        head_name=f"户主{code}",
        head_id_number=make_id(600 + sum(map(ord, code)) % 300),
        size=2,
        identification_standard="national",
        category="general",
        main_cause="illness",
        poverty_status=status,
        registered_year=2016,
    )


@pytest.fixture
def world(county: County, cadres: dict[str, Cadre]) -> dict[str, Household]:
    """Cadres G1 (县级领导), G2, G3, G9 (other county) and G7 (第一书记, U2); households H1, H2 in A1,
    H4 and H5 (注销) in B1, HX in a village of the other county."""
    add_cadre("G7", "郑书记", county.agriculture, ["first_secretary"], 7)
    other = Area.objects.create(
        code=OTHER_VILLAGE, name="外县村", level="village", parent=county.other_county
    )
    return {
        "H1": _household("H1", county.village_a1),
        "H2": _household("H2", county.village_a1),
        "H4": _household("H4", county.village_b1),
        "H5": _household("H5", county.village_b1, PovertyStatus.CANCELLED),
        "HX": _household("HX", other),
    }


def by_row(outcome: object) -> dict[tuple[int, str], str]:
    return {(e.row, e.column): e.message for e in outcome.errors}  # type: ignore[attr-defined]


# -- pairings ------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_pairings_are_created_then_a_second_import_changes_nothing(
    world: dict[str, Household], fmt: str
) -> None:
    rows = [
        PAIRINGS,
        ["G3", "H1", "2019-01-01", ""],
        ["G3", "H2", "2019/3/5", "2019年12月31日"],
        ["G2", "H1", "20190101", None],
    ]
    outcome = import_rows("pairings", rows, fmt=fmt)
    assert outcome.ok, messages(outcome)
    assert totals(outcome) == (3, 0, 0)
    stored = {
        (p.cadre.code, p.household.code): (p.start_date, p.end_date)
        for p in Pairing.objects.select_related("cadre", "household")
    }
    assert stored == {
        ("G3", "H1"): (D(2019, 1, 1), None),
        ("G3", "H2"): (D(2019, 3, 5), D(2019, 12, 31)),
        ("G2", "H1"): (D(2019, 1, 1), None),
    }
    assert ChangeLog.objects.filter(object_type="duty.pairing", action="create").count() == 3
    again = import_rows("pairings", rows, fmt=fmt)
    assert again.ok and totals(again) == (0, 0, 3)
    assert ChangeLog.objects.filter(object_type="duty.pairing").count() == 3


def test_an_end_date_given_later_ends_the_pairing_and_an_empty_one_keeps_it(
    world: dict[str, Household],
) -> None:
    assert import_rows("pairings", [PAIRINGS, ["G3", "H1", "2019-01-01", ""]]).ok
    outcome = import_rows("pairings", [PAIRINGS, ["G3", "H1", "2019-01-01", "2019-06-30"]])
    assert outcome.ok and totals(outcome) == (0, 1, 0)
    pairing = Pairing.objects.get()
    assert (pairing.end_date, pairing.version) == (D(2019, 6, 30), 2)
    entry = ChangeLog.objects.get(object_type="duty.pairing", action="update")
    assert (entry.before["结束日期"], entry.after["结束日期"]) == (None, "2019-06-30")
    # An empty cell is "not given": the stored end date stays.
    outcome = import_rows("pairings", [PAIRINGS, ["G3", "H1", "2019-01-01", ""]])
    assert outcome.ok and totals(outcome) == (0, 0, 1)
    assert Pairing.objects.get().end_date == D(2019, 6, 30)


def test_unknown_codes_and_bad_cells_are_each_reported_and_nothing_is_written(
    world: dict[str, Household],
) -> None:
    rows = [
        PAIRINGS,
        ["G3", "H1", "2019-01-01", ""],
        ["G404", "H1", "2019-01-01", ""],
        ["G3", "H404", "2019-01-01", ""],
        ["G3", "H2", "2019-13-01", ""],
        ["G3", "H2", "", ""],
        ["G2", "H2", "2019-05-01", "2019-04-30"],
    ]
    outcome = import_rows("pairings", rows)
    assert by_row(outcome) == {
        (3, "干部编号"): "干部编号不存在",
        (4, "户编号"): "户编号不存在",
        (5, "开始日期"): "日期不存在",
        (6, "开始日期"): "必填项为空",
        (7, "结束日期"): "结束日期不能早于开始日期",
    }
    assert Pairing.objects.count() == 0


def test_a_missing_required_column_rejects_the_file(world: dict[str, Household]) -> None:
    outcome = import_rows("pairings", [["干部编号", "户编号"], ["G3", "H1"]])
    assert error_cells(outcome) == {(1, "开始日期")}
    assert Pairing.objects.count() == 0


def test_english_headers_in_any_order(world: dict[str, Household]) -> None:
    outcome = import_rows(
        "pairings", [["start_date", "household_code", "cadre_code"], ["2019-01-01", "H1", "G3"]]
    )
    assert outcome.ok, messages(outcome)
    assert Pairing.objects.get().cadre.code == "G3"


def test_a_key_repeated_in_the_file_is_an_error(world: dict[str, Household]) -> None:
    rows = [PAIRINGS, ["G3", "H1", "2019-01-01", ""], ["G3", "H1", "2019-01-01", "2019-12-31"]]
    outcome = import_rows("pairings", rows)
    assert (3, "干部编号") in error_cells(outcome)
    assert "与第2行重复" in messages(outcome)
    assert Pairing.objects.count() == 0


def test_overlapping_periods_in_the_file_and_against_the_database(world: dict[str, Household]) -> None:
    Pairing.objects.create(
        cadre=Cadre.objects.get(code="G2"),
        household=world["H2"],
        start_date=D(2018, 1, 1),
        end_date=D(2019, 3, 31),
    )
    rows = [
        PAIRINGS,
        ["G3", "H1", "2019-01-01", "2019-06-30"],
        ["G3", "H1", "2019-06-01", ""],  # overlaps row 2
        ["G2", "H2", "2019-03-31", ""],  # overlaps the stored pairing by one day
        ["G2", "H2", "2017-01-01", "2017-12-31"],  # before it: fine
        ["G3", "H2", "2019-07-01", ""],
    ]
    outcome = import_rows("pairings", rows)
    errors = by_row(outcome)
    assert set(errors) == {(2, "开始日期"), (3, "开始日期"), (4, "开始日期")}
    assert "第3行：2019-06-01起" in errors[(2, "开始日期")]
    assert "第2行：2019-01-01至2019-06-30" in errors[(3, "开始日期")]
    assert "已有记录：2018-01-01至2019-03-31" in errors[(4, "开始日期")]
    assert Pairing.objects.count() == 1


def test_a_row_may_shorten_its_own_stored_period_to_make_room(world: dict[str, Household]) -> None:
    assert import_rows("pairings", [PAIRINGS, ["G3", "H1", "2019-01-01", ""]]).ok
    rows = [PAIRINGS, ["G3", "H1", "2019-01-01", "2019-06-30"], ["G3", "H1", "2019-09-01", ""]]
    outcome = import_rows("pairings", rows)
    assert outcome.ok, messages(outcome)
    assert totals(outcome) == (1, 1, 0)


def test_a_cancelled_household_gets_no_new_pairing(world: dict[str, Household]) -> None:
    Pairing.objects.create(
        cadre=Cadre.objects.get(code="G3"), household=world["H5"], start_date=D(2018, 1, 1)
    )
    rows = [PAIRINGS, ["G2", "H5", "2019-01-01", ""], ["G3", "H5", "2018-01-01", "2019-12-31"]]
    outcome = import_rows("pairings", rows)
    assert by_row(outcome) == {(2, "户编号"): "H5 已注销，不能新增未结束的结对帮扶"}
    # The existing pairing of the cancelled household may still be ended.
    outcome = import_rows("pairings", [rows[0], rows[2]])
    assert outcome.ok, messages(outcome)
    assert Pairing.objects.get().end_date == D(2019, 12, 31)
    # A pairing that ended before the cancellation is history and may be recorded.
    assert import_rows("pairings", [rows[0], ["G2", "H5", "2016-01-01", "2017-12-31"]]).ok
    assert Pairing.objects.filter(household=world["H5"]).count() == 2


def test_households_outside_the_importing_users_area_are_refused(world: dict[str, Household]) -> None:
    rows = [PAIRINGS, ["G3", "H1", "2019-01-01", ""], ["G9", "HX", "2019-01-01", ""]]
    outcome = import_rows("pairings", rows, scope=COUNTY_ONLY)
    assert by_row(outcome) == {(3, "户编号"): "不在您的管辖范围内"}
    assert Pairing.objects.count() == 0


def test_a_cadre_imported_earlier_in_the_same_run_can_be_paired(world: dict[str, Household]) -> None:
    files = [
        ("pairings", csv_bytes([PAIRINGS, ["N1", "H1", "2019-01-01", ""]]), "pairings.csv"),
        (
            "cadres",
            csv_bytes([CADRES_HEADER, ["N1", "新干部", make_id(77), "", "U2", "", "帮扶干部"]]),
            "cadres.csv",
        ),
    ]
    outcome = ledger_import_files(files=files, context=context())
    assert outcome.ok, messages(outcome)
    assert [r.ledger for r in outcome.reports] == ["干部", "结对帮扶"]
    assert Pairing.objects.get().cadre.code == "N1"


def test_an_error_in_pairings_rolls_back_the_cadres_of_the_same_run(
    world: dict[str, Household], tmp_path: Path
) -> None:
    write_csv(
        tmp_path / "cadres.csv", [CADRES_HEADER, ["N1", "新干部", make_id(77), "", "U2", "", "帮扶干部"]]
    )
    write_csv(tmp_path / "pairings.csv", [PAIRINGS, ["N1", "H404", "2019-01-01", ""]])
    _out, err, error = run_command("import-dir", str(tmp_path))
    assert error is not None
    assert "户编号不存在" in err
    assert not Cadre.objects.filter(code="N1").exists()
    assert Pairing.objects.count() == 0


# -- work teams ----------------------------------------------------------------------------------
def test_work_teams_import_with_roles_and_sending_units(world: dict[str, Household]) -> None:
    rows = [
        TEAMS,
        [A1, "G7", "第一书记", "U2", "2019-01-01", ""],
        [A1, "G3", "队员", "U2", "2019-01-01", ""],
        [B1, "G2", "第一书记兼队长", "U1", "2019-01-01", "2019-12-31"],
    ]
    outcome = import_rows("work-teams", rows)
    assert outcome.ok, messages(outcome)
    stored = {
        (m.village.code, m.cadre.code): (m.role, m.sending_unit.code, m.end_date)
        for m in WorkTeamMember.objects.select_related("village", "cadre", "sending_unit")
    }
    assert stored == {
        (A1, "G7"): (TeamRole.FIRST_SECRETARY, "U2", None),
        (A1, "G3"): (TeamRole.MEMBER, "U2", None),
        (B1, "G2"): (TeamRole.SECRETARY_AND_LEADER, "U1", D(2019, 12, 31)),
    }
    assert totals(import_rows("work-teams", rows)) == (0, 0, 3)


def test_work_team_rules(world: dict[str, Household]) -> None:
    rows = [
        TEAMS,
        [A1, "G7", "第一书记", "U2", "2019-01-01", ""],
        [A1, "G2", "第一书记兼队长", "U1", "2019-06-01", ""],  # a second secretary of A1
        [B1, "G3", "队员", "U2", "2019-01-01", ""],
        [A2, "G3", "队员", "U2", "2019-06-01", ""],  # G3 already in B1's team
        [TOWN_A, "G1", "队员", "U1", "2019-01-01", ""],  # a town, not a village
        [A2, "G1", "组长", "U1", "2019-01-01", ""],  # no such role
        [A2, "G1", "队员", "U404", "2020-01-01", ""],
    ]
    outcome = import_rows("work-teams", rows)
    errors = by_row(outcome)
    # Both rows of a clash are reported, each naming the other.
    assert set(errors) == {
        (2, "队内职务"),
        (3, "队内职务"),
        (4, "开始日期"),
        (5, "开始日期"),
        (6, "区划代码"),
        (7, "队内职务"),
        (8, "派出单位编码"),
    }
    assert errors[(3, "队内职务")].startswith("该村同期已有第一书记郑书记（G7）（第2行")
    assert errors[(5, "开始日期")].startswith("该干部同期已在青岗坪村（610727101200）驻村")
    assert errors[(6, "区划代码")] == "兴州街道（610727100000）不是村"
    assert errors[(7, "队内职务")].startswith("应为以下之一：第一书记、队长、第一书记兼队长、队员")
    assert errors[(8, "派出单位编码")] == "派出单位编码不存在"
    assert WorkTeamMember.objects.count() == 0


# -- unit-villages -------------------------------------------------------------------------------
def test_unit_villages(world: dict[str, Household]) -> None:
    rows = [
        UNIT_VILLAGES,
        ["U1", A1, "2019-01-01", ""],
        ["U2", A1, "2019-01-01", ""],
        ["U1", A1, "2020-01-01", ""],  # overlaps row 2
        ["U2", TOWN_B, "2019-01-01", ""],  # a town
        ["U404", A2, "2019-01-01", ""],
    ]
    errors = by_row(import_rows("unit-villages", rows))
    assert set(errors) == {(2, "开始日期"), (4, "开始日期"), (5, "区划代码"), (6, "单位编码")}
    assert "该单位包该村的时段与另一记录重叠" in errors[(4, "开始日期")]
    assert UnitVillage.objects.count() == 0
    outcome = import_rows("unit-villages", rows[:3])
    assert outcome.ok and totals(outcome) == (2, 0, 0)


def test_unit_villages_outside_the_area_are_refused(world: dict[str, Household]) -> None:
    outcome = import_rows(
        "unit-villages", [UNIT_VILLAGES, ["U9", OTHER_VILLAGE, "2019-01-01", ""]], scope=COUNTY_ONLY
    )
    assert by_row(outcome) == {(2, "区划代码"): "不在您的管辖范围内"}


# -- leader-towns --------------------------------------------------------------------------------
def test_leader_towns(world: dict[str, Household]) -> None:
    rows = [
        LEADER_TOWNS,
        ["G1", TOWN_A, "U2", "2019-01-01", ""],
        ["G1", TOWN_B, "", "2019-01-01", ""],
        ["G3", TOWN_A, "", "2019-01-01", ""],  # not a county leader
        ["G1", A1, "", "2019-01-01", ""],  # a village
        ["G1", TOWN_B, "U404", "2020-01-01", ""],
    ]
    errors = by_row(import_rows("leader-towns", rows))
    assert errors == {
        (4, "干部编号"): "孙科员（G3）不是县级领导",
        (5, "区划代码"): "黄家坝村（610727100200）不是乡镇",
        (6, "牵头部门单位编码"): "牵头部门单位编码不存在",
    }
    outcome = import_rows("leader-towns", rows[:3])
    assert outcome.ok, messages(outcome)
    led = {(t.town.code, t.lead_unit.code if t.lead_unit else None) for t in LeaderTown.objects.all()}
    assert led == {(TOWN_A, "U2"), (TOWN_B, None)}
    # An empty lead unit keeps the stored one.
    outcome = import_rows("leader-towns", [LEADER_TOWNS, ["G1", TOWN_A, "", "2019-01-01", "2019-12-31"]])
    assert outcome.ok and totals(outcome) == (0, 1, 0)
    town_a = LeaderTown.objects.get(town__code=TOWN_A)
    assert (town_a.lead_unit.code if town_a.lead_unit else None, town_a.end_date) == ("U2", D(2019, 12, 31))


# -- the engine around them ----------------------------------------------------------------------
ROUND_TRIP = {
    "pairings": [PAIRINGS, ["G3", "H1", "2019-01-01", ""], ["G2", "H4", "2018-05-01", "2019-04-30"]],
    "work-teams": [
        TEAMS,
        [A1, "G7", "第一书记", "U2", "2019-01-01", ""],
        [B1, "G3", "队员", "U2", "2018-01-01", "2018-12-31"],
    ],
    "unit-villages": [UNIT_VILLAGES, ["U1", A1, "2019-01-01", ""], ["U2", B1, "2018-01-01", "2019-06-30"]],
    "leader-towns": [
        LEADER_TOWNS,
        ["G1", TOWN_A, "U2", "2019-01-01", ""],
        ["G1", TOWN_B, "", "2018-01-01", "2018-12-31"],
    ],
}


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_then_reimport_changes_nothing(world: dict[str, Household], suffix: str) -> None:
    for ledger, rows in ROUND_TRIP.items():
        outcome = import_rows(ledger, rows)
        assert outcome.ok, (ledger, messages(outcome))
    changes = ChangeLog.objects.count()
    everything = context().scope
    for ledger, rows in ROUND_TRIP.items():
        exporter = ledger_export_xlsx if suffix == "xlsx" else ledger_export_csv
        data = exporter(LEDGERS[ledger], everything)
        outcome = import_file(ledger, data, f"{ledger}.{suffix}")
        assert outcome.ok, messages(outcome)
        assert not outcome.warnings
        assert totals(outcome) == (0, 0, len(rows) - 1), ledger
    assert ChangeLog.objects.count() == changes


def test_export_holds_each_assignment_in_ledger_form(world: dict[str, Household]) -> None:
    for ledger, rows in ROUND_TRIP.items():
        assert import_rows(ledger, rows).ok
    exported = sheet_rows(ledger_export_xlsx(LEDGERS["work-teams"], context().scope))
    assert exported[0] == TEAMS
    assert sorted(exported[1:]) == sorted(
        [
            [A1, "G7", "第一书记", "U2", "2019-01-01", None],
            [B1, "G3", "队员", "U2", "2018-01-01", "2018-12-31"],
        ]
    )
    # An area-scoped export keeps to the area.
    town_b = ImportContext(actor=context().actor, scope=_town_scope(TOWN_B)).scope
    assert [row[1] for row in sheet_rows(ledger_export_xlsx(LEDGERS["pairings"], town_b))[1:]] == ["H4"]


def _town_scope(code: str) -> object:
    from fupin.core.scope import Scope

    return Scope(role="town_official", area_prefixes=(code[:9],), root_area_code=code)


def test_templates_offer_the_columns_and_the_role_list(db: None) -> None:
    for name, header in (
        ("pairings", PAIRINGS),
        ("work-teams", TEAMS),
        ("unit-villages", UNIT_VILLAGES),
        ("leader-towns", LEADER_TOWNS),
    ):
        workbook = ledger_template(LEDGERS[name])
        assert sheet_rows(workbook)[0] == header
        assert sheet_rows(workbook, "示例")[0] == header
    roles = load_workbook(io.BytesIO(ledger_template(LEDGERS["work-teams"]))).worksheets[0]
    validations = [dv.formula1 for dv in roles.data_validations.dataValidation]
    assert validations == ['"第一书记,队长,第一书记兼队长,队员"']


def test_duty_ledgers_come_after_what_they_reference(db: None) -> None:
    order = dependency_order(
        ["leader-towns", "pairings", "unit-villages", "work-teams", "cadres", "units", "areas"]
    )
    assert order.index("cadres") < order.index("pairings")
    assert order.index("units") < order.index("unit-villages")
    assert order.index("areas") < order.index("work-teams")
    assert order.index("cadres") < order.index("leader-towns")
    assert LEDGERS["pairings"].depends_on == ("cadres", "households")


def test_dry_run_writes_nothing(world: dict[str, Household]) -> None:
    outcome = import_rows("pairings", ROUND_TRIP["pairings"], dry_run=True)
    assert outcome.ok and not outcome.written
    assert Pairing.objects.count() == 0
