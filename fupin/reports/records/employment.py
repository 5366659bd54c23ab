"""Records behind the `employment` section (fupin/employment/figures.py): laborers as recorded now;
trainings and placements of the month; posts, factory workers and postings active on as_of; transfer
employment of as_of's year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q, QuerySet

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.duty.models import active_on
from fupin.employment.models import (
    CommunityFactory,
    FactoryWorker,
    Funding,
    JobPosting,
    Laborer,
    Placement,
    Region,
    SkillTraining,
    Trainee,
    TransferEmployment,
    WelfarePost,
)
from fupin.employment.selectors.laborers import poor_q
from fupin.reports.records.base import Column, RecordSource, col, link_to, masked_id


def _inside(area: Area) -> Q:
    return Q(area_code__startswith=areacode.prefix_of(area.code))


# -- laborers --------------------------------------------------------------------------------------


def laborers(area: Area) -> QuerySet[Laborer]:
    return Laborer.objects.filter(_inside(area), active=True)


def _lacking(area: Area) -> QuerySet[Laborer]:
    # As the registry records the skill, so that a training does not shrink its own denominator.
    return laborers(area).filter(poor_q()).exclude(member__labour="skilled")


def _laborer_rows(narrow: Callable[[Area, dt.date], QuerySet[Laborer]]) -> RecordSource:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Laborer]:
        return (
            narrow(area, as_of)
            .select_related("member__household__village")
            .order_by("area_code", "member__household__code", "id_number", "pk")
        )

    return RecordSource(
        fetch,
        (
            col("姓名", "name"),
            Column("身份证号", masked_id("id_number")),
            col("户编号", "member.household.code"),
            col("所在村", "member.household.village.name"),
            col("户脱贫属性（现在）", "member.household.get_poverty_status_display"),
            col("劳动技能", "member.get_labour_display"),
            col("就业状态", "get_status_display"),
        ),
        link_to("employment:laborer-detail", "pk"),
    )


def _trained_lacking(area: Area, as_of: dt.date) -> QuerySet[Laborer]:
    trained = Trainee.objects.filter(training__end_date__lte=as_of).values("laborer_id")
    return _lacking(area).filter(pk__in=trained)


# -- trainings ---------------------------------------------------------------------------------------


def _sessions(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[SkillTraining]:
    return (
        SkillTraining.objects.filter(_inside(area), end_date__year=year, end_date__month=month)
        .select_related("area")
        .order_by("end_date", "code")
    )


def _trainees(to_date: bool) -> RecordSource:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Trainee]:
        rows = Trainee.objects.filter(training__area_code__startswith=areacode.prefix_of(area.code))
        if to_date:
            rows = rows.filter(training__end_date__lte=as_of)
        else:
            rows = rows.filter(training__end_date__year=year, training__end_date__month=month)
        return rows.select_related("training", "laborer").order_by(
            "training__end_date", "training__code", "laborer__id_number", "pk"
        )

    return RecordSource(
        fetch,
        (
            col("培训编号", "training.code"),
            col("培训", "training.title"),
            col("结束日期", "training.end_date"),
            col("学员", "laborer.name"),
            Column("身份证号", masked_id("laborer.id_number")),
            Column("取得证书", lambda row: "是" if row.certified else "否"),
        ),
        link_to("employment:laborer-detail", "laborer.pk"),
    )


# -- welfare posts, factories, transfers, postings -------------------------------------------------


def welfare_posts(area: Area, as_of: dt.date) -> QuerySet[WelfarePost]:
    return WelfarePost.objects.filter(_inside(area)).filter(active_on(as_of))


def _post_rows(narrow: Callable[[QuerySet[WelfarePost]], QuerySet[WelfarePost]]) -> RecordSource:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[WelfarePost]:
        return (
            narrow(welfare_posts(area, as_of))
            .select_related("village", "holder")
            .order_by("area_code", "code")
        )

    return RecordSource(
        fetch,
        (
            col("岗位编号", "code"),
            col("所在村", "village.name"),
            col("岗位类型", "get_post_type_display"),
            col("资金来源", "get_funding_display"),
            col("在岗人员", "holder.name"),
            col("月工资（元）", "monthly_wage"),
            col("开始日期", "start_date"),
            col("结束日期", "end_date"),
        ),
        link_to("employment:welfare-post-edit", "pk"),
    )


def funding_source(label: str) -> RecordSource | None:
    values = [value for value, text in Funding.choices if str(text) == label]
    return _post_rows(lambda posts: posts.filter(funding=values[0])) if values else None


def factories(area: Area, as_of: dt.date) -> QuerySet[CommunityFactory]:
    return CommunityFactory.objects.filter(_inside(area)).filter(
        Q(opened__isnull=True) | Q(opened__lte=as_of)
    )


def _factories(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[CommunityFactory]:
    return factories(area, as_of).select_related("area").order_by("area_code", "code")


def _workers(poor_only: bool) -> RecordSource:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[FactoryWorker]:
        rows = FactoryWorker.objects.filter(factory__in=factories(area, as_of)).filter(active_on(as_of))
        if poor_only:
            rows = rows.filter(poor_q("laborer__"))
        return rows.select_related("factory", "laborer").order_by("factory__code", "laborer__id_number", "pk")

    return RecordSource(
        fetch,
        (
            col("工厂", "factory.name"),
            col("姓名", "laborer.name"),
            Column("身份证号", masked_id("laborer.id_number")),
            col("入职日期", "start_date"),
            col("离职日期", "end_date"),
            col("月工资（元）", "monthly_wage"),
        ),
        link_to("employment:laborer-detail", "laborer.pk"),
    )


def _transfer_rows(region: str | None, with_income: bool = False) -> RecordSource:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[TransferEmployment]:
        rows = TransferEmployment.objects.filter(_inside(area), year=as_of.year)
        if region is not None:
            rows = rows.filter(region=region)
        return rows.select_related("laborer").order_by("area_code", "laborer__id_number", "pk")

    return RecordSource(
        fetch,
        (
            col("姓名", "laborer.name"),
            Column("身份证号", masked_id("laborer.id_number")),
            col("年度", "year"),
            col("务工地域", "get_region_display"),
            col("务工地点", "place"),
            col("用工单位", "employer"),
            col("务工月数", "months"),
            col("务工收入（元）", "income"),
        ),
        link_to("employment:laborer-detail", "laborer.pk"),
        amount=(lambda row: row.income or Decimal(0)) if with_income else None,
        amount_header="务工收入（元）",
    )


def region_source(label: str) -> RecordSource | None:
    values = [value for value, text in Region.choices if str(text) == label]
    return _transfer_rows(values[0]) if values else None


def _postings(with_positions: bool) -> RecordSource:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[JobPosting]:
        return (
            JobPosting.objects.filter(_inside(area)).filter(active_on(as_of)).order_by("start_date", "code")
        )

    return RecordSource(
        fetch,
        (
            col("岗位编号", "code"),
            col("用工单位", "employer"),
            col("岗位", "title"),
            col("地域", "get_region_display"),
            col("工作地点", "place"),
            col("招聘人数", "positions"),
            col("开始日期", "start_date"),
            col("结束日期", "end_date"),
        ),
        link_to("employment:posting-detail", "pk"),
        amount=(lambda row: row.positions) if with_positions else None,
        amount_header="招聘人数",
    )


def _placements(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(_inside(area), date__year=year, date__month=month)
        .select_related("laborer", "posting")
        .order_by("date", "pk")
    )


SOURCES: dict[str, RecordSource] = {
    "employment.laborers": _laborer_rows(lambda area, as_of: laborers(area)),
    "employment.poor_laborers": _laborer_rows(lambda area, as_of: laborers(area).filter(poor_q())),
    "employment.poor_lacking_skills": _laborer_rows(lambda area, as_of: _lacking(area)),
    "employment.poor_lacking_skills_trained": _laborer_rows(_trained_lacking),
    "employment.training_sessions": RecordSource(
        _sessions,
        (
            col("培训编号", "code"),
            col("培训", "title"),
            col("工种", "work_type"),
            col("举办单位", "organizer"),
            col("举办地", "area.name"),
            col("开始日期", "start_date"),
            col("结束日期", "end_date"),
        ),
        link_to("employment:training-edit", "pk"),
    ),
    "employment.training_person_times": _trainees(to_date=False),
    "employment.training_person_times_to_date": _trainees(to_date=True),
    "employment.welfare_jobs": _post_rows(lambda posts: posts),
    "employment.welfare_jobs_held": _post_rows(lambda posts: posts.filter(holder__isnull=False)),
    "employment.community_factories": RecordSource(
        _factories,
        (
            col("工厂编号", "code"),
            col("名称", "name"),
            col("所在区划", "area.name"),
            col("行业", "industry"),
            col("投产日期", "opened"),
        ),
        link_to("employment:factory-edit", "pk"),
    ),
    "employment.factory_workers": _workers(poor_only=False),
    "employment.factory_poor_workers": _workers(poor_only=True),
    "employment.transfer_employment": _transfer_rows(None),
    "employment.transfer_income": _transfer_rows(None, with_income=True),
    "employment.job_postings_open": _postings(with_positions=False),
    "employment.job_positions_open": _postings(with_positions=True),
    "employment.placements": RecordSource(
        _placements,
        (
            col("姓名", "laborer.name"),
            Column("身份证号", masked_id("laborer.id_number")),
            col("岗位", "posting.title"),
            col("用工单位", "posting.employer"),
            col("上岗日期", "date"),
            col("离岗日期", "end_date"),
        ),
        link_to("employment:posting-detail", "posting.pk"),
    ),
}
