"""The outbox: each background task is a row written in the transaction of the work it belongs to.

The row is the task's durable record; the message on the broker is only a way to wake a worker. So a
broker that is down, a message lost, or a worker that died never loses the task: the watchdog
(``outbox.services.outbox_watchdog``) sends again what was not done, and gives up — telling the
owner of the object, who shows the user why — what cannot be done.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxTask(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待发送"  # not yet on the broker (or to be sent again)
        SENT = "sent", "已发送"  # on the broker; done once its object says so
        DONE = "done", "已完成"
        FAILED = "failed", "已放弃"

    task = models.CharField("任务名", max_length=200)
    args = models.JSONField("参数", default=list)
    # The object the task works on (a model label and its id): the owner says when its work is over.
    object_type = models.CharField("对象类型", max_length=100)
    object_id = models.BigIntegerField("对象 id")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField("已投递次数", default=0)
    errors = models.PositiveIntegerField("连续发送失败次数", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    sent_at = models.DateTimeField("最近投递时间", null=True, blank=True)
    # PENDING: when to send (again); SENT: when to look whether it was done, and send again if not.
    next_attempt_at = models.DateTimeField("下次处理时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-id"]
        indexes = [
            # The watchdog's one query: open rows that are due. Done rows stay out of the index.
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_open_due",
                condition=models.Q(state__in=["pending", "sent"]),
            ),
            models.Index(fields=["object_type", "object_id"], name="outbox_object"),
        ]

    def __str__(self) -> str:
        return f"{self.task}({self.object_type}#{self.object_id}) {self.get_state_display()}"
