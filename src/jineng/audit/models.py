from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("审计事件只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计事件只能追加，不能删除")


class Event(models.Model):
    """One state change of a domain object, written in the same transaction as the change.

    Append-only: the ORM refuses update/delete here; on PostgreSQL triggers refuse UPDATE, DELETE
    (migration 0002) and TRUNCATE (0005) whoever connects, and the application's database role may
    only SELECT and INSERT (jineng.core.dbroles). Each event is chained by hash to the one before it
    in its region (jineng.audit.chain; `manage.py audit_verify` walks the chains).
    The scope columns are copied at write time so that an auditor's view is one indexed filter.
    """

    # Set by the writer (not auto_now_add): the time is hashed before the row goes in.
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
        # No index and no database constraint: the trail is searched by scope, object, time and the
        # actor's name (actor_label, copied with the role at write time), never by this id; and every
        # state change writes a row, where the constraint's check cost as much as the row itself
        # (thousands per roster). PROTECT still keeps the ORM from deleting a user who has acted;
        # accounts are deactivated, not deleted.
        db_index=False,
        db_constraint=False,
    )
    actor_label = models.CharField("操作人姓名", max_length=64, blank=True)
    actor_role = models.CharField("角色", max_length=16, blank=True)
    action = models.CharField("动作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象编号", max_length=64)
    object_label = models.CharField("对象", max_length=200, blank=True)
    from_state = models.CharField("原状态", max_length=32, blank=True)
    to_state = models.CharField("新状态", max_length=32, blank=True)
    payload = models.JSONField("内容", default=dict, blank=True)
    region_path = models.CharField(max_length=255, blank=True)
    department_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    prev_hash = models.CharField("前一事件哈希", max_length=64, blank=True, editable=False)
    hash = models.CharField("哈希", max_length=64, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # Scope filters are prefix matches (region_path__startswith): one pattern-ops index serves
            # them and equality, where db_index=True made two on PostgreSQL, both written per event.
            models.Index(
                fields=["region_path"], name="audit_event_region_path", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_label}"

    # Model.save() and Model.delete() on an instance do not go through the queryset above.
    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("审计事件只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计事件只能追加，不能删除")


class ChainHead(models.Model):
    """The last hash of one region's chain. A writer locks the row until its transaction ends, so
    that two transactions writing events of one region chain them one after the other instead of
    both onto the same predecessor. Not append-only: the row is updated with every write."""

    region_path = models.CharField(max_length=255, primary_key=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"{self.region_path or '(无地区)'} {self.hash[:12]}"
