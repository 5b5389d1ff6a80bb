from django.apps import AppConfig


class SignoffsConfig(AppConfig):
    name = "jineng.signoffs"
    label = "signoffs"
    verbose_name = "人社部门签字与意见"
