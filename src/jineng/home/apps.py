from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The 工作台: the top of the app graph, so that it may gather every app's queues for the user."""

    name = "jineng.home"
    label = "home"
