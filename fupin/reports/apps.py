from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "fupin.reports"
    label = "reports"
    verbose_name = "统计与简报"
