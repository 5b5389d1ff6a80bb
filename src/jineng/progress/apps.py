from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "jineng.progress"
    label = "progress"
    verbose_name = "目标进度与月报"
    default_auto_field = "django.db.models.BigAutoField"
