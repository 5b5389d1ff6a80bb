from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "jineng.appraisal"
    label = "appraisal"
    verbose_name = "机构绩效评价"
