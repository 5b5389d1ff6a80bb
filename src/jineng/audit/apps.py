from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jineng.audit"
    label = "audit"
