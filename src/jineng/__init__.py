"""Jineng (技能): vocational skills upgrade programme platform.

Nothing is imported here: ``jineng.policy`` must stay importable without Django (or Celery). The
Celery app is loaded by ``jineng.core.apps.CoreConfig.ready`` and by ``celery -A jineng.celery``.
"""
