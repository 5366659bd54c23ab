from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "fupin.rectification"
    label = "rectification"
    verbose_name = "问题整改"
