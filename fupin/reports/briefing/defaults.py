"""The briefing template shipped with the platform, in the form of the seed article (略阳县聚焦
“群众事”深化主题教育): investigation and research, problem inspection, rectification, industries and
employment. A county that has not written its own uses this one.

The indicator codes (NY01 农业总产值, NY02 农业增加值 in 万元, JR01 落实融资贷款, SC01 新增市场主体) are
those of the seed county's indicator list; a county whose list differs edits those lines, and until
then they are left out wherever the county has no such indicator."""

from __future__ import annotations

from fupin.reports.briefing.template import BriefingTemplateText

DEFAULT_TITLE = "{area}脱贫攻坚工作简报（{year}年{month}月）"
DEFAULT_OFFICE = "{county}脱贫攻坚领导小组办公室"

DEFAULT_BODY = """\
# 调查研究
俯下身子，深入一线，扎实调研。
{scope}共有建档立卡贫困户{registry.households}户{registry.people}人，其中未脱贫户{registry.poor_households}户、已脱贫户{registry.exited_households}户，返贫户{registry.relapsed_households}户。
{scope}有贫困村{registry.poor_villages}个。
建立由县到村的脱贫攻坚责任机制，{duty.aid_units}个单位包村帮扶，{duty.paired_cadres}名干部结对帮扶{duty.poor_households_paired}户未脱贫户。
尚有{duty.poor_households_unpaired}户未脱贫户未落实结对帮扶，正逐户落实。
{duty.villages_with_first_secretary}个村选派了驻村第一书记，驻村工作队员{duty.work_team_members}名。

本月各级干部有效驻村入户打卡{fieldwork.valid_checkins}次。
县级领导{fieldwork.quota.县级领导.cadres}名中{fieldwork.quota.县级领导.met}名达到每周到镇村天数要求。
县直部门主要负责人{fieldwork.quota.部门主要负责人.cadres}名中{fieldwork.quota.部门主要负责人.met}名达到每周驻村天数要求。
帮扶干部{fieldwork.quota.帮扶干部.cadres}名中{fieldwork.quota.帮扶干部.met}名达到每月入户天数要求。

# 问题检视
检视问题，深挖细查，刀刃向内。
通过个别谈话、座谈会、意见箱、征求意见表和新媒体留言等方式，聚焦群众最盼最急最忧的问题检视问题。
目前，已列出问题清单，检视问题{rectification.found}条，已整改{rectification.rectified}条，已销号{rectification.closed}条。
按检视渠道分，{rectification.by_channel|列表:条}。
按问题类别分，涉及{rectification.by_category|列表:条}。

# 问题整改
整改落实，真抓真改，立行立改。
针对还未整改的{rectification.open}条问题，已制定明确整改措施，做到即知即改、应改尽改。
其中超过整改时限的{rectification.overdue}条已列入督办。

对各级帮扶干部进行多频次、全方位的学习培训和政策知识考试。
今年以来开展各级各类政策培训{training.trainings_ytd}期{training.person_times_ytd}人次，其中本月{training.trainings}期{training.person_times}人次。
组织政策知识考试{training.exams}场，{training.cadres_examined}名干部参加考试，{training.cadres_passed}名及格。

{projects.projects}个重点项目完成投资{projects.completed_investment|亿元}亿元、占年计划的{projects.completion|percent}。
实现{indicators.NY01.name}{indicators.NY01.ytd|万}亿元、同比增长{indicators.NY01.growth|percent}。
{indicators.NY02.name}{indicators.NY02.ytd|万}亿元、同比增长{indicators.NY02.growth|percent}。
{indicators.JR01.name}{indicators.JR01.ytd|万}亿元，{indicators.SC01.name}{indicators.SC01.ytd}{indicators.SC01.unit}。

# 产业就业
聚焦产业，攻难克坚，补齐短板。
{scope}发展特色产业{industry.featured_industries}个，{industry.households_in_industries}户发展产业，有中长期产业的{industry.households_with_mlt_industry}户。
到户产业补助验收通过{industry.subsidies_accepted}笔，已兑付{industry.subsidies_paid}笔{industry.subsidy_paid_fen|万元}万元。
培育新型经营主体{industry.business_entities}家，其中今年新增{industry.new_business_entities}家，建立稳定利益联结关系{industry.linked_households}户。

统筹整合涉农资金{finance.integrated_fund_fen|亿元}亿元用于产业增收项目。
发放扶贫小额信贷{finance.loans_issued}笔{finance.loan_amount_issued_fen|万元}万元，贷款余额{finance.outstanding_fen|万元}万元。
特色产业保险在保保单{finance.insurance_policies}份，参保{finance.insured_households}户。
互助资金协会{finance.mutual_aid_associations}个，资金总额{finance.mutual_aid_fund_fen|万元}万元。

建成并网发电村级光伏电站{solar.stations}个{solar.capacity_kw|兆瓦}兆瓦，今年以来发电收益{solar.income_fen|万元}万元。
向{solar.villages_distributed}个村分配光伏收益{solar.distributed_fen|万元}万元，惠及{solar.households_paid}户。

扎实实施劳动力技能培训，累计培训{employment.training_person_times_to_date}人次，缺技能贫困劳动力{employment.poor_lacking_skills}人中已培训{employment.poor_lacking_skills_trained}人。
开发公益岗位{employment.welfare_jobs}个。
建成社区工厂{employment.community_factories}家，吸纳贫困劳动力{employment.factory_poor_workers}人。
{scope}劳动力转移就业{employment.transfer_employment}人。
"""

DEFAULT_TEMPLATE = BriefingTemplateText(title=DEFAULT_TITLE, office=DEFAULT_OFFICE, body=DEFAULT_BODY)
