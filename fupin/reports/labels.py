"""Chinese names of the figures document's sections and figures (docs/figures.md), and how each value
reads: the dashboard, the briefing, the exports and the records pages name figures from here only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

SECTIONS: dict[str, str] = {
    "registry": "建档立卡",
    "causes": "致贫原因",
    "duty": "帮扶责任",
    "fieldwork": "驻村帮扶",
    "rectification": "问题整改",
    "training": "培训考试",
    "indicators": "年度指标",
    "projects": "重点项目",
    "employment": "就业帮扶",
    "industry": "产业扶贫",
    "finance": "金融扶贫",
    "solar": "光伏扶贫",
}

# (section, key) -> name. Keys that repeat across sections with one meaning are under section "".
FIGURES: dict[tuple[str, str], str] = {
    ("registry", "households"): "贫困户（不含注销）",
    ("registry", "people"): "贫困人口",
    ("registry", "poor_households"): "未脱贫户（含返贫）",
    ("registry", "exited_households"): "已脱贫户",
    ("registry", "relapsed_households"): "返贫户",
    ("registry", "poor_villages"): "贫困村",
    ("causes", "poor"): "未脱贫户（含返贫）",
    ("causes", "exited"): "已脱贫户",
    ("duty", "paired_cadres"): "结对帮扶干部",
    ("duty", "poor_households_paired"): "已结对贫困户",
    ("duty", "poor_households_unpaired"): "未结对贫困户",
    ("duty", "aid_units"): "包村帮扶单位",
    ("duty", "villages_with_first_secretary"): "有第一书记的村",
    ("duty", "work_team_members"): "驻村工作队员",
    ("fieldwork", "valid_checkins"): "有效打卡",
    ("fieldwork", "invalid_checkins"): "无效打卡",
    ("fieldwork", "quota"): "到岗达标",
    ("fieldwork", "cadres"): "应评判干部",
    ("fieldwork", "met"): "达标干部",
    ("rectification", "found"): "检视问题",
    ("rectification", "rectified"): "已整改",
    ("rectification", "closed"): "已销号",
    ("rectification", "open"): "未完成整改",
    ("rectification", "overdue"): "逾期未整改",
    ("rectification", "by_category"): "按问题类别",
    ("rectification", "by_channel"): "按检视渠道",
    ("training", "trainings"): "本月培训期数",
    ("training", "person_times"): "本月培训人次",
    ("training", "cadres_trained"): "本月参训干部",
    ("training", "trainings_ytd"): "年度累计培训期数",
    ("training", "person_times_ytd"): "年度累计培训人次",
    ("training", "exams"): "考试场次",
    ("training", "exam_results"): "考试答卷",
    ("training", "cadres_examined"): "参考干部",
    ("training", "cadres_passed"): "及格干部",
    ("indicators", "name"): "指标",
    ("indicators", "unit"): "单位",
    ("indicators", "ytd"): "累计",
    ("indicators", "plan"): "年度计划",
    ("indicators", "completion"): "完成计划",
    ("indicators", "last_year_ytd"): "上年同期",
    ("indicators", "growth"): "同比增长",
    ("indicators", "reporting_areas"): "应报单位",
    ("indicators", "areas_with_value"): "已报单位",
    ("indicators", "missing_periods"): "缺报期数",
    ("projects", "projects"): "重点项目",
    ("projects", "planned_investment"): "年度计划投资（万元）",
    ("projects", "completed_investment"): "累计完成投资（万元）",
    ("projects", "completion"): "完成年计划",
    ("projects", "missing_reports"): "缺报月份",
    ("projects", "by_industry"): "按行业",
    ("employment", "laborers"): "劳动力",
    ("employment", "poor_laborers"): "贫困劳动力",
    ("employment", "poor_lacking_skills"): "缺技能贫困劳动力",
    ("employment", "poor_lacking_skills_trained"): "其中已培训",
    ("employment", "training_sessions"): "本月结束的技能培训期数",
    ("employment", "training_person_times"): "本月技能培训人次",
    ("employment", "training_person_times_to_date"): "累计技能培训人次",
    ("employment", "welfare_jobs"): "公益岗位",
    ("employment", "welfare_jobs_held"): "公益岗位在岗",
    ("employment", "welfare_jobs_by_funding"): "公益岗位按资金来源",
    ("employment", "community_factories"): "社区工厂",
    ("employment", "factory_workers"): "社区工厂务工人员",
    ("employment", "factory_poor_workers"): "其中贫困劳动力",
    ("employment", "transfer_employment"): "转移就业人数",
    ("employment", "transfer_by_region"): "转移就业按地域",
    ("employment", "transfer_income"): "转移就业务工收入（元）",
    ("employment", "job_postings_open"): "在招岗位",
    ("employment", "job_positions_open"): "在招人数",
    ("employment", "placements"): "本月上岗",
    ("industry", "featured_industries"): "特色产业",
    ("industry", "households_in_industries"): "发展产业户",
    ("industry", "households_with_mlt_industry"): "中长期产业覆盖户",
    ("industry", "households_without_mlt_industry"): "无中长期产业户",
    ("industry", "by_industry"): "按产业",
    ("industry", "households"): "户数",
    ("industry", "scale"): "规模",
    ("industry", "unit"): "单位",
    ("industry", "subsidies_applied"): "到户产业补助申请",
    ("industry", "subsidies_accepted"): "验收通过",
    ("industry", "subsidies_paid"): "已兑付",
    ("industry", "subsidy_accepted_fen"): "验收核定补助金额",
    ("industry", "subsidy_paid_fen"): "已兑付补助金额",
    ("industry", "business_entities"): "新型经营主体",
    ("industry", "new_business_entities"): "当年新增经营主体",
    ("industry", "entities_with_links"): "有利益联结的主体",
    ("industry", "linked_households"): "利益联结户",
    ("industry", "link_income_fen"): "利益联结收益",
    ("finance", "integrated_fund_fen"): "统筹整合涉农资金",
    ("finance", "integrated_projects"): "整合资金项目",
    ("finance", "integrated_allocated_fen"): "项目资金安排",
    ("finance", "integrated_spent_fen"): "项目已支出",
    ("finance", "insurance_policies"): "在保产业保险保单",
    ("finance", "insured_households"): "参保户",
    ("finance", "premium_subsidy_fen"): "财政补贴保费",
    ("finance", "claims_paid"): "理赔笔数",
    ("finance", "claims_paid_fen"): "赔付金额",
    ("finance", "mutual_aid_associations"): "互助资金协会",
    ("finance", "mutual_aid_fund_fen"): "互助资金总额",
    ("finance", "mutual_aid_loans_made"): "互助资金借款笔数",
    ("finance", "mutual_aid_lent_fen"): "互助资金借出金额",
    ("finance", "mutual_aid_loans_out"): "互助资金在借笔数",
    ("finance", "mutual_aid_out_fen"): "互助资金在借金额",
    ("finance", "mutual_aid_overdue"): "互助资金逾期笔数",
    ("finance", "loans_issued"): "小额信贷放款笔数",
    ("finance", "loan_amount_issued_fen"): "小额信贷放款金额",
    ("finance", "loans_outstanding"): "小额信贷未还清笔数",
    ("finance", "households_with_loans"): "贷款户",
    ("finance", "outstanding_fen"): "贷款余额",
    ("finance", "overdue_loans"): "逾期贷款笔数",
    ("finance", "overdue_fen"): "逾期贷款余额",
    ("finance", "interest_subsidy_fen"): "财政贴息",
    ("solar", "stations"): "光伏电站",
    ("solar", "capacity_kw"): "装机容量（千瓦）",
    ("solar", "income_fen"): "电站收益",
    ("solar", "villages_distributed"): "已定稿分配方案的村",
    ("solar", "distributed_fen"): "分配总额",
    ("solar", "by_use_fen"): "按用途分配",
    ("solar", "households_paid"): "到户受益户",
    ("solar", "payout_fen"): "到户金额",
}

META_KEYS = frozenset({"area", "month", "as_of"})


def section_label(section: str) -> str:
    return SECTIONS.get(section, section)


def figure_label(section: str, key: str) -> str:
    """The Chinese name of a figure; a map entry (a category, a channel, an industry) is its own name."""
    return FIGURES.get((section, key), key)


def is_money_fen(key: str) -> bool:
    return key.endswith("_fen")


def is_ratio(key: str) -> bool:
    return key in {"completion", "growth"}


def display_value(key: str, value: Any) -> str:
    """A figure as a person reads it: fen as yuan with two places and thousands separators, ratios
    as percentages, an empty value as “—”."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        # A map (by category, by use…): each entry by its own name; its values read as the map's key
        # says (a map of fen is a map of amounts), or by their own keys when they are records.
        parts = [
            f"{name} {display_value(name if isinstance(inner, dict) else key, inner)}"
            for name, inner in value.items()
        ]
        return "，".join(parts) if parts else "—"
    if is_money_fen(key):
        return f"{Decimal(int(value)) / 100:,.2f} 元"
    if is_ratio(key):
        return f"{float(value) * 100:.1f}%"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
