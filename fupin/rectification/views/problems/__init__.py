"""Pages of rectification: the three lists (问题清单, 责任清单, 任务清单), the problem page with its
workflow forms, tasks and evidence, the edit form, and the county's categories.

Every write goes through one service; its refusal is shown on the page in Chinese (a stale version
as the conflict message, with nothing saved).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from fupin.rectification.views.problems.categories import (
    category_list_view,
)
from fupin.rectification.views.problems.detail import (
    evidence_file_view,
    evidence_upload_view,
    problem_action_view,
    problem_detail_view,
    problem_edit_view,
    task_add_view,
    task_done_view,
)
from fupin.rectification.views.problems.lists import (
    problem_list_view,
    responsibility_list_view,
    task_list_view,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("rectification/problems/", problem_list_view, name="problem-list"),
    path("rectification/responsibility/", responsibility_list_view, name="responsibility-list"),
    path("rectification/tasks/", task_list_view, name="task-list"),
    path("rectification/categories/", category_list_view, name="categories"),
    path("rectification/problems/<str:code>/", problem_detail_view, name="problem-detail"),
    path("rectification/problems/<str:code>/edit/", problem_edit_view, name="problem-edit"),
    path("rectification/problems/<str:code>/tasks/", task_add_view, name="task-add"),
    path("rectification/problems/<str:code>/tasks/<int:pk>/done/", task_done_view, name="task-done"),
    path("rectification/problems/<str:code>/evidence/", evidence_upload_view, name="evidence-upload"),
    path("rectification/problems/<str:code>/evidence/<int:pk>/", evidence_file_view, name="evidence-file"),
    path("rectification/problems/<str:code>/<str:action>/", problem_action_view, name="problem-action"),
]
