"""The demo county's inspected problems (检视问题), as rows of the problems ledger.

The seed county "检视问题500余条，已整改300余条" and set measures for the rest; so does the demo
county, by its reference date (2019-12-10, the field-work demo's too):

- 520 problems found since the second batch of the theme education began (September 2019),
  through every channel the seed names (talks, symposiums, the suggestion box, feedback forms, the
  party-building and release apps, DingTalk) and the patrols and assessments that found the rest,
  each with the origin that channel implies (自己找, 群众提, 集体议, 上级点);
- in every default category (relocation homesteads, petitions, medical care, schooling …),
  at the county, town and village level, a good share naming a household of the village;
- 312 rectified by the reference date (60%), most of them verified and closed (销号), about one in
  five fixed at once (即知即改); 192 in rectification with measures and a deadline — most within
  it, some overdue (several by more than a week, for the county office), a few due in three days
  (for the deadline notices), a few long-term (长期整改) due in 2020; 16 just found, with nobody
  yet assigned measures;
- each answered for by a unit of the county (the village's helping unit, the town government or
  the department the category belongs to), the county leader of the town, and a person (the
  village's first secretary or a cadre of the unit).

The rows are imported through the ledger engine like the rest of the demo, which writes each
problem's workflow history consistent with its dates; the flags the ledger has no column for
(即知即改, 长期整改) are set afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.management.base import CommandError

from fupin.demo.county import COUNTY_CODE, DemoCounty, as_csv
from fupin.ledgers.base import ImportContext, Report
from fupin.ledgers.services import ledger_import_files
from fupin.rectification.services.ledger import LEDGER_COLUMNS, problems_flag

REFERENCE_DATE = dt.date(2019, 12, 10)
FIRST_FOUND = dt.date(2019, 9, 2)
PROBLEMS = 520
# How many problems are in each state by the reference date.
CLOSED, RECTIFIED, IN_PROGRESS, OPEN = 198, 114, 192, 16
FIX_AT_ONCE = 62  # of the rectified and closed
OVERDUE, DUE_SOON, LONG_TERM = 30, 4, 10  # of those in rectification
HEADERS = dict(LEDGER_COLUMNS)

# Channel → (weight, the origins it brings).
CHANNELS = {
    "个别谈话": (18, ("自己找", "群众提")),
    "座谈会": (20, ("集体议", "群众提")),
    "意见箱": (8, ("群众提",)),
    "征求意见表": (12, ("群众提",)),
    "党建APP": (6, ("群众提",)),
    "发布APP": (5, ("群众提",)),
    "钉钉": (5, ("群众提", "自己找")),
    "巡察": (12, ("上级点",)),
    "考核": (10, ("上级点",)),
    "其他": (4, ("自己找", "集体议")),
}


@dataclass(frozen=True)
class Kind:
    """A category: its weight, the departments answering for it, and its problems with the measures
    each gets (in a village: {v} village, {hh} household head, {n} a small number; higher up: {t}
    the town or 全县)."""

    weight: int
    departments: tuple[str, ...]
    village: tuple[tuple[str, str], ...]
    higher: tuple[tuple[str, str], ...]


KINDS = {
    "易地搬迁宅基地腾退": Kind(
        10,
        ("县移民搬迁办", "县自然资源局"),
        (
            ("{v}{n}户易地搬迁户旧宅基地未按期腾退复垦", "逐户核查腾退情况，签订腾退协议，限期拆除复垦"),
            ("{hh}户已搬迁入住安置点，旧房至今未拆除", "上门做好思想工作，限期拆除旧房并复垦"),
            ("{v}搬迁户旧宅腾退协议签订不全，台账与实际不符", "逐户补签腾退协议，核对更新腾退台账"),
        ),
        (
            (
                "{t}易地搬迁安置点配套设施建设滞后，部分搬迁户未按期入住",
                "督促施工单位加快配套设施建设，完善入住手续",
            ),
            ("{t}拆旧复垦验收进度缓慢，复垦地块管护不到位", "组织拆旧复垦专项验收，落实复垦地块管护责任"),
        ),
    ),
    "信访矛盾纠纷": Kind(
        8,
        ("县信访局", "县司法局"),
        (
            ("{v}{n}户群众反映土地流转租金兑付不及时", "约谈流转主体，督促限期足额兑付租金"),
            ("{v}村民因林地界限发生纠纷，多次上访", "召开村民代表会议调解，依法依规确权定界"),
            ("{hh}户反映低保评定不公，存在信访隐患", "重新入户核查，按程序评议公示并答复当事人"),
        ),
        (
            ("{t}信访积案化解进度慢，群众反映问题未及时答复", "落实包案领导，逐案制定化解方案并按时答复"),
            ("{t}矛盾纠纷排查化解台账不规范", "规范排查化解台账，实行月排查、月通报"),
        ),
    ),
    "医疗保障": Kind(
        10,
        ("县医疗保障局", "县卫生健康局"),
        (
            ("{hh}户家庭成员患慢性病，慢病卡未及时办理", "协调镇卫生院上门鉴定，办理慢病卡"),
            ("{v}{n}名贫困人口未参加城乡居民医疗保险", "逐户核查参保情况，落实资助参保"),
            ("{hh}户住院费用“一站式”报销未落实到位", "核对住院费用，补报应报费用并兑付到户"),
        ),
        (
            ("{t}家庭医生签约服务履约不到位", "督促签约医生按期随访，建立履约台账"),
            ("{t}部分村卫生室缺少合格村医，群众看病不便", "选派镇卫生院医生轮流坐诊，招聘合格村医"),
        ),
    ),
    "教育保障": Kind(
        9,
        ("县教育体育局",),
        (
            ("{hh}户子女因家庭困难辍学", "落实控辍保学责任，动员返校并跟踪帮扶"),
            ("{v}{n}名在校学生教育资助未及时发放", "核对资助名单，限期发放到位"),
            ("{hh}户残疾儿童送教上门未落实", "安排教师定期送教上门，建立送教档案"),
        ),
        (
            ("{t}控辍保学工作台账不完善，劝返记录缺失", "完善控辍保学台账，补齐劝返记录"),
            ("{t}寄宿制学校生活设施不足", "争取项目资金，改善寄宿生活设施"),
        ),
    ),
    "住房安全": Kind(
        12,
        ("县住房和城乡建设局",),
        (
            ("{hh}户住房为C级危房，改造尚未开工", "纳入危房改造计划，督促限期开工"),
            ("{v}{n}户危房改造补助资金未拨付到户", "核实名单，限期拨付补助资金"),
            ("{hh}户房屋漏雨，住房安全鉴定未开展", "开展住房安全鉴定，组织维修加固"),
        ),
        (
            ("{t}危房改造竣工验收滞后", "组织专班集中验收，验收合格后及时拨付补助"),
            ("{t}农村危房动态排查不彻底", "开展拉网式排查，建立危房动态台账"),
        ),
    ),
    "饮水安全": Kind(
        9,
        ("县水利局",),
        (
            ("{v}{n}户冬季饮水管道冻裂，供水不稳定", "维修更换管网，做好管道防冻保温"),
            ("{hh}户饮水水质未检测", "开展水质检测，公示检测结果"),
            ("{v}集中供水工程水源不足，旱季需拉水", "新建蓄水池，旱季落实应急送水"),
        ),
        (
            ("{t}农村饮水工程管护机制不健全", "落实管护人员和经费，建立管护制度"),
            ("{t}部分供水站消毒设备未正常运行", "维修消毒设备，落实日常运行记录"),
        ),
    ),
    "产业发展": Kind(
        12,
        ("县农业农村局", "县畜牧兽医中心", "县果业中心"),
        (
            ("{hh}户产业奖补资金未兑现", "核实产业发展情况，兑现奖补资金"),
            ("{v}魔芋种植缺乏技术指导，长势较差", "组织农技人员开展现场技术培训"),
            ("{v}村集体经济合作社运营不规范，分红未落实", "规范合作社财务管理，按章程落实分红"),
            ("{v}{n}户中蜂养殖越冬管理不到位", "安排技术员入户指导越冬管理"),
        ),
        (
            ("{t}乌鸡产业园利益联结机制不完善，带贫成效不明显", "完善利益联结协议，明确带贫户数和分红方式"),
            ("{t}食用菌基地产品销售渠道单一", "对接电商平台和商超，拓宽销售渠道"),
        ),
    ),
    "就业增收": Kind(
        9,
        ("县人力资源和社会保障局",),
        (
            ("{hh}户有劳动力但未实现稳定就业", "推荐到社区工厂或公益岗位就业"),
            ("{v}{n}名公益岗位人员工资发放不及时", "核实考勤，限期补发工资"),
            ("{hh}户外出务工交通补贴未兑现", "核实务工情况，兑现务工补贴"),
        ),
        (
            ("{t}社区工厂吸纳贫困劳动力数量偏少", "落实吸纳就业奖补政策，动员贫困劳动力进厂"),
            ("{t}技能培训与就业需求衔接不紧", "按岗位需求开展订单式培训"),
        ),
    ),
    "基础设施": Kind(
        10,
        ("县交通运输局",),
        (
            ("{v}通组道路路面破损，雨季通行困难", "纳入年度项目计划，组织施工修复"),
            ("{v}{n}户生产便道未硬化", "争取项目资金，实施便道硬化"),
            ("{v}部分路段安全防护设施缺失", "增设护栏和警示标志"),
        ),
        (
            ("{t}通村公路养护不到位", "落实养护责任，开展集中养护"),
            ("{t}农村电网改造滞后，部分村电压不稳", "协调供电部门实施线路改造"),
        ),
    ),
    "政策落实": Kind(
        7,
        ("县扶贫开发局", "县民政局", "县财政局"),
        (
            ("{hh}户政策明白卡内容与实际享受不符", "逐项核对享受政策，更新政策明白卡"),
            ("{v}贫困户档案资料不完整，信息录入有误", "逐户核对信息，更新档案资料"),
            ("{hh}户符合条件未纳入低保", "按程序申报评议，符合条件的纳入低保"),
            ("{v}{n}户光伏收益分配公示不及时", "补充公示分配方案和发放明细"),
        ),
        (
            ("{t}扶贫资金项目公告公示不规范", "规范公告公示内容和时限，接受群众监督"),
            ("{t}部分帮扶干部对政策掌握不准", "组织政策培训和知识测试"),
        ),
    ),
    "干部作风": Kind(
        4,
        ("县纪委监委", "县委组织部"),
        (
            ("{v}帮扶干部入户走访次数不足，群众认可度不高", "约谈提醒相关干部，严格落实入户要求"),
            ("{v}驻村工作队员驻村时间不足", "严格驻村考勤，每周通报驻村情况"),
            ("{v}村干部办事拖沓，群众反映强烈", "开展作风整顿，推行便民服务代办"),
        ),
        (
            ("{t}部分干部工作作风不实，存在形式主义问题", "开展作风整顿，建立督查通报制度"),
            ("{t}帮扶工作日志填写流于形式", "规范工作日志，纳入月度考核"),
        ),
    ),
    "其他": Kind(
        3,
        ("县扶贫开发局",),
        (
            ("{v}村务公开栏内容更新不及时", "指定专人负责，每月更新公开内容"),
            ("{hh}户反映家中老人无人照料", "协调村级互助幸福院提供照料服务"),
            ("{v}人居环境整治不到位，垃圾堆放点清运不及时", "落实保洁员，建立定期清运制度"),
        ),
        (("{t}扶贫宣传氛围不浓，群众政策知晓率不高", "编印政策宣传册，组织院坝会宣讲"),),
    ),
}


@dataclass
class DemoProblems:
    rows: list[dict[str, str]] = field(default_factory=list)
    fix_at_once: list[str] = field(default_factory=list)
    long_term: list[str] = field(default_factory=list)


class _County:
    """What the problems draw on: places, households, units and cadres of the demo county."""

    def __init__(self, county: DemoCounty) -> None:
        self.names = {a["区划代码"]: a["名称"] for a in county.areas}
        self.towns = [a["区划代码"] for a in county.areas if a["层级"] == "乡镇"]
        self.villages = [a["区划代码"] for a in county.areas if a["层级"] == "村"]
        self.households: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for h in county.registry.households:
            if h["脱贫属性"] != "注销":
                self.households[h["区划代码"]].append((h["户编号"], h["户主姓名"]))
        units = {u["单位名称"]: u["单位编码"] for u in county.units}
        self.departments = {
            name: [units[d] for d in kind.departments if d in units] for name, kind in KINDS.items()
        }
        self.town_government = {
            u["所在区划代码"]: u["单位编码"] for u in county.units if u["所在区划代码"] != COUNTY_CODE
        }
        self.helping: dict[str, list[str]] = defaultdict(list)
        for row in county.registry.unit_villages:
            self.helping[row["区划代码"]].append(row["单位编码"])
        self.leaders: dict[str, list[str]] = defaultdict(list)
        for row in county.registry.leader_towns:
            self.leaders[row["区划代码"]].append(row["干部编号"])
        self.secretaries = {
            row["区划代码"]: row["干部编号"]
            for row in county.registry.work_teams
            if row["队内职务"].startswith("第一书记") and not row.get("结束日期")
        }
        self.staff: dict[str, list[str]] = defaultdict(list)
        for cadre in county.cadres:
            self.staff[cadre["单位编码"]].append(cadre["干部编号"])
        self.county_leaders = [c["干部编号"] for c in county.cadres if "县级领导" in c["干部类别"]]


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


@dataclass
class _Plan:
    """One problem's state and dates."""

    status: str
    found: dt.date
    deadline: dt.date | None = None
    completed: dt.date | None = None
    closed: dt.date | None = None
    fix_at_once: bool = False
    long_term: bool = False


def _plans(rng: random.Random, reference: dt.date) -> list[_Plan]:
    last = reference - dt.timedelta(days=1)
    plans: list[_Plan] = []
    for n in range(CLOSED + RECTIFIED):
        closing = n < CLOSED
        quick = n % 5 == 0 and len([p for p in plans if p.fix_at_once]) < FIX_AT_ONCE
        found = _day(rng, FIRST_FOUND, reference - dt.timedelta(days=25 if closing else 8))
        if quick:
            deadline = found + dt.timedelta(days=7)
            completed = found + dt.timedelta(days=rng.randint(0, 3))
        else:
            deadline = found + dt.timedelta(days=rng.randint(15, 60))
            # Most finish within their deadline; some a little after it.
            completed = _day(rng, found + dt.timedelta(days=3), min(deadline + dt.timedelta(days=5), last))
        if closing:
            completed = min(completed, last - dt.timedelta(days=3))
            closed = _day(rng, completed + dt.timedelta(days=1), min(completed + dt.timedelta(days=12), last))
            plans.append(_Plan("已销号", found, deadline, completed, closed, quick))
        else:
            plans.append(_Plan("已整改", found, deadline, completed, fix_at_once=quick))
    for n in range(IN_PROGRESS):
        if n < OVERDUE:
            found = _day(rng, FIRST_FOUND, reference - dt.timedelta(days=25))
            deadline = _day(rng, found + dt.timedelta(days=10), last)
            plans.append(_Plan("整改中", found, deadline))
        elif n < OVERDUE + DUE_SOON:
            due = reference + dt.timedelta(days=3)
            plans.append(_Plan("整改中", _day(rng, FIRST_FOUND, last - dt.timedelta(days=5)), due))
        elif n < OVERDUE + DUE_SOON + LONG_TERM:
            due = rng.choice((dt.date(2020, 6, 30), dt.date(2020, 12, 31)))
            plans.append(_Plan("整改中", _day(rng, FIRST_FOUND, last), due, long_term=True))
        else:
            found = _day(rng, FIRST_FOUND, last)
            deadline = _day(rng, reference + dt.timedelta(days=4), reference + dt.timedelta(days=75))
            plans.append(_Plan("整改中", found, deadline))
    plans.extend(_Plan("未整改", _day(rng, reference - dt.timedelta(days=6), last)) for _ in range(OPEN))
    return plans


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def build_problems(county: DemoCounty, seed: int = 2019, reference: dt.date = REFERENCE_DATE) -> DemoProblems:
    rng = random.Random(seed * 11 + 5)
    places = _County(county)
    plans = _plans(rng, reference)
    rng.shuffle(plans)
    plans.sort(key=lambda p: p.found)
    channels = list(CHANNELS)
    channel_weights = [CHANNELS[c][0] for c in channels]
    kinds = list(KINDS)
    kind_weights = [KINDS[k].weight for k in kinds]
    made = DemoProblems()
    per_day: dict[dt.date, int] = defaultdict(int)
    for plan in plans:
        per_day[plan.found] += 1
        code = f"WT{plan.found:%Y%m%d}{per_day[plan.found]:03d}"
        channel = rng.choices(channels, channel_weights)[0]
        category = rng.choices(kinds, kind_weights)[0]
        row = _problem(rng, places, plan, category)
        made.rows.append(
            {
                HEADERS["code"]: code,
                HEADERS["channel"]: channel,
                HEADERS["origin"]: rng.choice(CHANNELS[channel][1]),
                HEADERS["category"]: category,
                **row,
                HEADERS["found_date"]: _date(plan.found),
                HEADERS["deadline"]: _date(plan.deadline),
                HEADERS["status"]: plan.status,
                HEADERS["completed_date"]: _date(plan.completed),
                HEADERS["closed_date"]: _date(plan.closed),
            }
        )
        if plan.fix_at_once:
            made.fix_at_once.append(code)
        if plan.long_term:
            made.long_term.append(code)
    return made


def _problem(rng: random.Random, places: _County, plan: _Plan, category: str) -> dict[str, str]:
    """Where the problem is, what it says and who answers for it."""
    kind = KINDS[category]
    level = rng.choices(("village", "town", "county"), (75, 18, 7))[0]
    household = ("", "")
    if level == "village":
        area = rng.choice(places.villages)
        town = area[:9] + "000"
        template, measures = rng.choice(kind.village)
        if "{hh}" in template and not places.households[area]:
            template, measures = next(t for t in kind.village if "{hh}" not in t[0])
        if "{hh}" in template:
            household = rng.choice(places.households[area])
        description = template.format(v=places.names[area], hh=household[1], n=rng.randint(2, 9))
        units = places.helping[area] + [places.town_government[town]] + places.departments[category]
    else:
        area = rng.choice(places.towns) if level == "town" else COUNTY_CODE
        town = area
        where = places.names[area] if level == "town" else "全县"
        template, measures = rng.choice(kind.higher)
        description = template.format(t=where)
        units = places.departments[category] + ([places.town_government[area]] if level == "town" else [])
    unit = rng.choice(units)
    leader = rng.choice(places.leaders.get(town) or places.county_leaders)
    person = places.secretaries.get(area) if level == "village" and rng.random() < 0.5 else None
    person = person or rng.choice(places.staff[unit] or [leader])
    started = plan.status != "未整改"
    return {
        HEADERS["description"]: description,
        HEADERS["area_code"]: area,
        HEADERS["household_code"]: household[0],
        HEADERS["responsible_unit_code"]: unit,
        HEADERS["responsible_leader_code"]: leader if started or rng.random() < 0.5 else "",
        HEADERS["responsible_person_code"]: person if started else "",
        HEADERS["measures"]: measures if started else "",
    }


def demo_problems_import(county: DemoCounty, seed: int, context: ImportContext) -> list[Report]:
    """Import the demo county's problems through the problems ledger and set their flags."""
    problems = build_problems(county, seed)
    outcome = ledger_import_files(
        files=[("problems", as_csv(problems.rows), "problems.csv")], context=context
    )
    if not outcome.ok:
        raise CommandError("演示问题台账未通过校验：\n" + "\n".join(str(e) for e in outcome.errors[:20]))
    problems_flag(actor=context.actor, fix_at_once=problems.fix_at_once, long_term=problems.long_term)
    return outcome.reports
