from django.apps import AppConfig


class OnlineConfig(AppConfig):
    name = "jineng.online"
    label = "online"
    verbose_name = "线上培训与人脸签到监管"
