from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "jineng.vouchers"
    label = "vouchers"
    verbose_name = "电子职业培训券"
