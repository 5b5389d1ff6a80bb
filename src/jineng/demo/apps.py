from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jineng.demo"
    label = "demo"
