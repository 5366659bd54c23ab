"""The demo county's employment records, in the seed's proportions (略阳县, 2019):

- laborers: every member of a household (not cancelled) with labour capacity, synced from the
  registry; the registry's 技能劳动力 get one or two skills, the unemployed a wish (how far, what
  work, from when);
- transfer employment: 15,700 people in 2019 (the seed's figure), taken from the members the
  registry records as working away (县内 / 县外省内 / 省外), with months and income;
- public-welfare jobs: 1,687 posts in the poor villages, held by laborers of registered poor
  households of the village (a few vacant), paid from solar income, fiscal funds or other sources;
- community factories: ten, one in each of ten towns, with about 22 workers each, most of them
  poor laborers (the seed: 吸纳贫困劳动力200余人);
- skills trainings: the seed's 46,000 person-times of "1+19" training are four years' work
  (2016–2019) for a county of 43,000 poor people; the demo keeps the last of those years,
  about 11,500 person-times (a quarter) in 230 sessions ending by November 2019, poor laborers
  lacking skills first;
- job postings: 60 in November–December 2019 (in the county, elsewhere in the province and out of
  it), and a few dozen placements made through the matching.

Everything is written through the employment services in bulk, with its change log.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from fupin.areas.models import Area, AreaLevel
from fupin.core.audit import Actor
from fupin.core.scope import Scope
from fupin.demo.county import COUNTY_CODE
from fupin.employment.matching import Candidate, ranked_candidates
from fupin.employment.models import (
    CommunityFactory,
    EmploymentStatus,
    JobPosting,
    Laborer,
    SkillTraining,
    WorkType,
)
from fupin.employment.selectors.matching import candidate_of, opening_of
from fupin.employment.services.laborers import laborers_sync, laborers_upsert
from fupin.employment.services.postings import placement_record, postings_upsert
from fupin.employment.services.programmes import (
    factories_upsert,
    factory_workers_upsert,
    trainees_upsert,
    trainings_upsert,
    transfers_upsert,
    welfare_posts_upsert,
)
from fupin.people.scope import SUPERUSER
from fupin.registry.models import POOR_STATUSES, Member, PovertyStatus

YEAR = 2019
TRANSFER_PEOPLE = 15_700
WELFARE_POSTS = 1_687
FACTORIES = 10
WORKERS_PER_FACTORY = (18, 26)
SESSIONS = 230
TRAINEES_PER_SESSION = (40, 60)
POSTINGS = 60
PLACEMENTS = 40
EVERYTHING = Scope(role=SUPERUSER, area_prefixes=None)
REGISTERED = (*POOR_STATUSES, PovertyStatus.OUT)
TRADES = [w for w in WorkType.values if w != WorkType.GENERAL]
REGION_OF_WORK = {"in_town": "in_county", "in_county": "in_county", "in_province": "in_province"}
MONTHLY = {"in_county": 2400, "in_province": 3000, "out_of_province": 3800}
PLACES = {
    "in_province": ["汉中市", "西安市", "宝鸡市"],
    "out_of_province": ["广东省东莞市", "浙江省宁波市", "江苏省苏州市", "新疆"],
}
# Post type → (weight, monthly wage in yuan).
POST_TYPES = {
    "cleaning": (30, 500),
    "security": (12, 500),
    "roads": (15, 600),
    "water": (8, 500),
    "care": (8, 400),
    "forest": (20, 800),
    "river": (7, 500),
}
FACTORY_PRODUCTS = [
    "毛绒玩具",
    "服装（三秦巧娘）",
    "电子元件",
    "手工编织",
    "食用菌加工",
    "中药材初加工",
    "乌鸡加工",
    "茶叶加工",
    "鞋帽",
    "箱包",
]
TRAINING_TITLES = {
    "general": "劳动力转移就业引导性培训",
    "construction": "建筑工技能培训",
    "electrician": "电工技能培训",
    "welding": "电焊工技能培训",
    "cooking": "中式烹调师培训",
    "housekeeping": "家政服务员培训",
    "sewing": "“三秦巧娘”缝纫工培训",
    "planting": "中药材种植技术培训",
    "breeding": "乌鸡养殖技术培训",
    "ecommerce": "农村电商培训",
    "driving": "挖掘机驾驶培训",
    "repair": "农机维修培训",
    "care": "养老护理员培训",
}


def demo_employment(seed: int, actor: Actor) -> dict[str, int]:
    """Build the demo county's employment records; the counts written, by kind."""
    rng = random.Random(f"employment-{seed}")
    laborers_sync(actor=actor, scope=EVERYTHING, area_code=COUNTY_CODE, prepare_new=_skills_and_wishes(rng))
    laborers = list(Laborer.objects.select_related("member__household").order_by("id_number"))
    away = _transfers(rng, actor, laborers)
    holders = _welfare_posts(rng, actor, laborers, away)
    _factories(rng, actor, laborers, away | holders)
    person_times = _trainings(rng, actor, laborers)
    placed = _postings(rng, actor)
    return {
        "laborers": len(laborers),
        "transfers": len(away),
        "welfare_posts": WELFARE_POSTS,
        "trainee_person_times": person_times,
        "placements": placed,
    }


def _poor(laborer: Laborer) -> bool:
    return laborer.member.household.poverty_status in REGISTERED


def _skills_and_wishes(rng: random.Random) -> Callable[[Laborer], None]:
    """What the office knows of each new laborer: skills for the registry's 技能劳动力, a wish for
    the unemployed."""
    skilled = set(Member.objects.filter(labour="skilled").values_list("pk", flat=True))

    def prepare(lab: Laborer) -> None:
        if lab.member_id in skilled:
            lab.skills = rng.sample(TRADES, k=rng.choice((1, 1, 2)))
        if lab.status == EmploymentStatus.UNEMPLOYED:
            lab.wish_reach = rng.choices(
                ("village", "town", "county", "province", "anywhere"), (15, 25, 30, 15, 15)
            )[0]
            if rng.random() < 0.6:
                lab.wish_work_type = rng.choice(WorkType.values)
            if rng.random() < 0.3:
                lab.available_from = dt.date(YEAR, 11, 1) + dt.timedelta(days=rng.randint(0, 60))

    return prepare


def _transfers(rng: random.Random, actor: Actor, laborers: list[Laborer]) -> set[int]:
    working = [lab for lab in laborers if lab.member.migrant_work and lab.member.migrant_work != "none"]
    chosen = sorted(rng.sample(working, min(TRANSFER_PEOPLE, len(working))), key=lambda lab: lab.id_number)
    rows = []
    for lab in chosen:
        region = REGION_OF_WORK.get(lab.member.migrant_work, "out_of_province")
        months = lab.member.months_worked or rng.randint(3, 12)
        income = Decimal(months * MONTHLY[region] + rng.randint(-300, 300) * months)
        place = rng.choice(PLACES[region]) if region in PLACES else "县城"
        rows.append(
            {
                "laborer": lab,
                "year": YEAR,
                "region": region,
                "place": place,
                "employer": "",
                "months": months,
                "income": income,
            }
        )
    transfers_upsert(actor=actor, scope=EVERYTHING, rows=rows)
    return {lab.pk for lab in chosen}


def _welfare_posts(rng: random.Random, actor: Actor, laborers: list[Laborer], away: set[int]) -> set[int]:
    villages = list(
        Area.objects.filter(
            code__startswith=COUNTY_CODE[:6], level=AreaLevel.VILLAGE, is_poor_village=True
        ).order_by("code")
    )
    eligible: dict[str, list[Laborer]] = defaultdict(list)
    for lab in laborers:
        if _poor(lab) and lab.pk not in away:
            eligible[lab.area_code].append(lab)
    for pool in eligible.values():
        # Weak laborers first: the posts are meant for those who cannot go away to work.
        pool.sort(key=lambda lab: (lab.member.labour != "weak", rng.random()))
    types, weights = list(POST_TYPES), [w for w, _ in POST_TYPES.values()]
    rows = []
    holders: set[int] = set()
    for number in range(WELFARE_POSTS):
        village = villages[number % len(villages)]
        post_type = rng.choices(types, weights)[0]
        pool = eligible[village.code]
        holder = pool.pop(0) if pool and rng.random() < 0.96 else None
        if holder is not None:
            holders.add(holder.pk)
        rows.append(
            {
                "code": f"GY{number + 1:05d}",
                "village": village,
                "post_type": post_type,
                "holder": holder,
                "monthly_wage": Decimal(POST_TYPES[post_type][1]),
                "funding": rng.choices(("solar", "fiscal", "other"), (55, 40, 5))[0],
                "start_date": dt.date(YEAR, rng.randint(1, 6), 1),
                "end_date": None,
            }
        )
    welfare_posts_upsert(actor=actor, scope=EVERYTHING, rows=rows)
    return holders


def _factories(rng: random.Random, actor: Actor, laborers: list[Laborer], taken: set[int]) -> None:
    towns = list(
        Area.objects.filter(code__startswith=COUNTY_CODE[:6], level=AreaLevel.TOWN).order_by("code")
    )[:FACTORIES]
    factories_upsert(
        actor=actor,
        scope=EVERYTHING,
        rows=[
            {
                "code": f"SQ{i + 1:02d}",
                "name": f"{town.name}{product.split('（')[0]}社区工厂",
                "area": town,
                "industry": product,
                "opened": dt.date(rng.choice((2017, 2018)), rng.randint(1, 12), 1),
            }
            for i, (town, product) in enumerate(zip(towns, FACTORY_PRODUCTS, strict=False))
        ],
    )
    factories = {f.area_code: f for f in CommunityFactory.objects.all()}
    by_town: dict[str, list[Laborer]] = defaultdict(list)
    for lab in laborers:
        if lab.pk not in taken and lab.area_code[:9] + "000" in factories:
            by_town[lab.area_code[:9] + "000"].append(lab)
    rows: list[dict[str, Any]] = []
    for town_code, factory in sorted(factories.items()):
        pool = by_town[town_code]
        poor = [lab for lab in pool if _poor(lab)]
        others = [lab for lab in pool if not _poor(lab)]
        size = rng.randint(*WORKERS_PER_FACTORY)
        workers = rng.sample(poor, min(len(poor), size - 2)) + rng.sample(others, min(len(others), 2))
        for lab in workers:
            start = max(factory.opened or dt.date(YEAR, 1, 1), dt.date(2018, 1, 1)) + dt.timedelta(
                days=rng.randint(0, 300)
            )
            rows.append(
                {
                    "factory": factory,
                    "laborer": lab,
                    "start_date": start,
                    "end_date": None,
                    "monthly_wage": Decimal(rng.randrange(1800, 2800, 100)),
                }
            )
    factory_workers_upsert(actor=actor, scope=EVERYTHING, rows=rows)
    # Factory workers work locally.
    laborers_upsert(
        actor=actor,
        scope=EVERYTHING,
        rows=[
            {"id_number": r["laborer"].id_number, "area_code": r["laborer"].area_code, "status": "local"}
            for r in rows
        ],
    )


def _trainings(rng: random.Random, actor: Actor, laborers: list[Laborer]) -> int:
    towns = list(Area.objects.filter(code__startswith=COUNTY_CODE[:6], level=AreaLevel.TOWN).order_by("code"))
    county = Area.objects.get(code=COUNTY_CODE)
    by_town: dict[str, list[Laborer]] = defaultdict(list)
    lacking: dict[str, list[Laborer]] = defaultdict(list)
    for lab in laborers:
        town = lab.area_code[:9] + "000"
        by_town[town].append(lab)
        # Poor laborers lacking skills first, as the county's "全覆盖" asks.
        if _poor(lab) and not lab.skills and lab.member.labour != "skilled":
            lacking[town].append(lab)
            lacking[COUNTY_CODE].append(lab)
    by_town[COUNTY_CODE] = laborers
    sessions: list[dict[str, Any]] = []
    for number in range(SESSIONS):
        work_type = rng.choice(list(TRAINING_TITLES))
        start = dt.date(YEAR, 1, 7) + dt.timedelta(days=rng.randint(0, 315))
        sessions.append(
            {
                "code": f"PX{YEAR}{number + 1:04d}",
                "title": TRAINING_TITLES[work_type],
                "work_type": work_type,
                "organizer": rng.choice(("县人社局", "县扶贫开发局", "县农业农村局", "县职教中心")),
                "area": county if number % 5 == 0 else towns[number % len(towns)],
                "start_date": start,
                "end_date": start + dt.timedelta(days=rng.choice((3, 5, 7, 10))),
                "hours": rng.choice((24, 40, 56, 80)),
            }
        )
    trainings_upsert(actor=actor, scope=EVERYTHING, rows=sessions)
    stored = {t.code: t for t in SkillTraining.objects.filter(code__startswith=f"PX{YEAR}")}
    rows = []
    for session in sessions:
        training = stored[session["code"]]
        pool, weighted = by_town[training.area_code], lacking[training.area_code]
        size = min(len(pool), rng.randint(*TRAINEES_PER_SESSION))
        picked = rng.sample(weighted, min(len(weighted), int(size * 0.8)))
        chosen = set(picked)
        while len(picked) < size:
            lab = rng.choice(pool)
            if lab not in chosen:
                chosen.add(lab)
                picked.append(lab)
        rows += [{"training": training, "laborer": lab, "certified": rng.random() < 0.8} for lab in picked]
    trainees_upsert(actor=actor, scope=EVERYTHING, rows=rows)
    return len(rows)


def _postings(rng: random.Random, actor: Actor) -> int:
    county = Area.objects.get(code=COUNTY_CODE)
    towns = list(Area.objects.filter(code__startswith=COUNTY_CODE[:6], level=AreaLevel.TOWN).order_by("code"))
    rows = []
    for number in range(POSTINGS):
        region = rng.choices(("in_county", "in_province", "out_of_province"), (60, 20, 20))[0]
        work_type = rng.choice(WorkType.values)
        start = dt.date(YEAR, 11, 1) + dt.timedelta(days=rng.randint(0, 30))
        rows.append(
            {
                "code": f"ZP{YEAR}{number + 1:04d}",
                "employer": rng.choice(
                    (
                        "略阳钢铁公司",
                        "县城投公司",
                        "汉中某电子厂",
                        "东莞某制衣厂",
                        "某建筑劳务公司",
                        "某家政公司",
                    )
                ),
                "title": TRAINING_TITLES[work_type].replace("培训", "").replace("技能", "") or "普工",
                "work_type": work_type,
                "skill_required": work_type != "general" and rng.random() < 0.4,
                "region": region,
                "area": rng.choice(towns) if region == "in_county" else county,
                "place": "" if region == "in_county" else rng.choice(PLACES[region]),
                "monthly_wage": Decimal(rng.randrange(2200, 6000, 100)),
                "positions": rng.randint(2, 30),
                "start_date": start,
                "end_date": start + dt.timedelta(days=rng.choice((30, 60, 90))),
                "min_age": rng.choice((None, 18)),
                "max_age": rng.choice((None, 50, 55, 60)),
                "requirements": "",
            }
        )
    postings_upsert(actor=actor, scope=EVERYTHING, rows=rows)
    free = [
        candidate_of(lab)
        for lab in Laborer.objects.filter(status=EmploymentStatus.UNEMPLOYED)
        .select_related("member__household")
        .order_by("id_number")
    ]
    by_town: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in free:
        by_town[candidate.area_code[:9]].append(candidate)
    outside = rng.sample(free, min(len(free), 800))
    placed: set[int] = set()
    for posting in JobPosting.objects.filter(code__startswith=f"ZP{YEAR}").order_by("code")[:PLACEMENTS]:
        pool = by_town[posting.area_code[:9]] if posting.region == "in_county" else outside
        ranked = [m for m in ranked_candidates(opening_of(posting), pool) if m.candidate.key not in placed]
        if ranked:
            laborer = Laborer.objects.get(pk=ranked[0].candidate.key)
            placement_record(
                actor=actor, scope=EVERYTHING, laborer=laborer, posting=posting, date=posting.start_date
            )
            placed.add(laborer.pk)
    return len(placed)
