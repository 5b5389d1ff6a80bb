from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jineng.core"
    label = "core"

    def ready(self) -> None:
        # Load the Celery app so that @shared_task binds to it in every Django process.
        import jineng.celery  # noqa: F401
        from jineng.core import checks  # noqa: F401  (registers the database role check)
