from django.urls import path

from fupin.ledgers import views

app_name = "ledgers"
urlpatterns = [
    path("", views.ledger_index, name="index"),
    path("upload/", views.ledger_upload, name="upload"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
    path("jobs/<int:job_id>/progress/", views.job_progress_partial, name="job-progress"),
    path("jobs/<int:job_id>/confirm/", views.job_confirm_view, name="job-confirm"),
    path("jobs/<int:job_id>/errors.xlsx", views.job_errors_xlsx, name="job-errors"),
    path("<str:name>/template.xlsx", views.ledger_template_view, name="template"),
    path("<str:name>/export.<str:fmt>", views.ledger_export_view, name="export"),
]
