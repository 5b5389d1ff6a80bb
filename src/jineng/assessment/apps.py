from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "jineng.assessment"
    label = "assessment"
    verbose_name = "结业考核"
