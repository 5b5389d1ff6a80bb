from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "jineng.outbox"
    label = "outbox"
    verbose_name = "后台任务发件箱"
