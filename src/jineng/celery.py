"""The Celery application. Tasks take ids, are idempotent, and are sent only after the commit."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jineng.settings")

app = Celery("jineng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
