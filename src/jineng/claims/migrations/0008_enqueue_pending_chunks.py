"""An outbox row for each 申领批处理 chunk still pending when the outbox came, so that the watchdog sends
(or, when it cannot be done, refuses) it: no chunk waits for a task that was lost."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def enqueue_pending_chunks(apps, schema_editor):  # type: ignore[no-untyped-def]
    ClaimRunChunk = apps.get_model("claims", "ClaimRunChunk")
    OutboxTask = apps.get_model("outbox", "OutboxTask")
    now = timezone.now()
    OutboxTask.objects.bulk_create(
        OutboxTask(
            task="jineng.claims.claim_run_chunk",
            args=[pk],
            object_type="claims.ClaimRunChunk",
            object_id=pk,
            created_at=now,
            next_attempt_at=now - dt.timedelta(seconds=1),
        )
        for pk in ClaimRunChunk.objects.filter(state="pending").values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_claimline_enrolment_guard"),
        ("outbox", "0001_initial"),
    ]

    operations = [migrations.RunPython(enqueue_pending_chunks, migrations.RunPython.noop)]
