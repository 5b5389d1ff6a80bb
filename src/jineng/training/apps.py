from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "jineng.training"
    label = "training"
    verbose_name = "培训开班与监管"
