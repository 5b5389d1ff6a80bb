from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "jineng.claims"
    label = "claims"
    verbose_name = "补贴资金申领"
    default_auto_field = "django.db.models.BigAutoField"
