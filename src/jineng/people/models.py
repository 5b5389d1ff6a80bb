from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.orgs.models import Organisation
from jineng.regions.models import Region


class Person(models.Model):
    """The real-name registry (实名制): one row per 居民身份证 number, shared by every institution and year."""

    # Unique by a constraint, not unique=True: on PostgreSQL the field option adds a second
    # (varchar_pattern_ops) index for LIKE, and numbers are only ever looked up whole.
    id_number = models.CharField("身份证号", max_length=18)
    name = models.CharField("姓名", max_length=32)
    sex = models.CharField("性别", max_length=1)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("手机号", max_length=20, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, related_name="persons", verbose_name="登记地")
    # Provenance, as the person.registered event also records it. No index: nothing looks persons up
    # by the clerk who registered them (scope goes by organisation). No database constraint: a roster
    # registers thousands of persons at once, and each row's check cost a third of writing it; PROTECT
    # still keeps the ORM from deleting a user who registered someone (accounts are deactivated).
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="registered_persons",
        db_index=False,
        db_constraint=False,
    )
    registered_by_organisation = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="registered_persons"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["-created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["id_number"], name="person_id_number_unique")]

    def __str__(self) -> str:
        return self.name
