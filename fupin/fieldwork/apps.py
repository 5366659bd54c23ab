from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "fupin.fieldwork"
    verbose_name = "驻村帮扶"
    label = "fieldwork"
