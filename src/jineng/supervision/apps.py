from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "jineng.supervision"
    label = "supervision"
    verbose_name = "过程监管"
