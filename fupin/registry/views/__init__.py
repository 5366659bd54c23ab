"""Pages of the registry. Thin: scope, one selector or service, render.

households: the list, the household file (户档案) and the monitoring list; actions: the small forms of
the file, each posting to one service; edits: the household, member and income forms; registration:
a new household with its family.
"""

from fupin.registry.views.actions import household_action
from fupin.registry.views.edits import household_edit, income_form_partial, member_edit
from fupin.registry.views.households import household_detail, household_list_view, monitoring_list_view
from fupin.registry.views.registration import household_new, member_row_partial

__all__ = [
    "household_action",
    "household_detail",
    "household_edit",
    "household_list_view",
    "household_new",
    "income_form_partial",
    "member_edit",
    "member_row_partial",
    "monitoring_list_view",
]
