from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "fupin.indicators"
    label = "indicators"
    verbose_name = "指标与重点项目"
