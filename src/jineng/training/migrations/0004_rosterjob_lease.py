"""The roster job's lease (runs, heartbeat_at), and an outbox row for each job still queued or running,
so that the watchdog runs (or fails) the jobs that were waiting when the outbox came."""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone


def enqueue_open_jobs(apps, schema_editor):  # type: ignore[no-untyped-def]
    RosterJob = apps.get_model("training", "RosterJob")
    OutboxTask = apps.get_model("outbox", "OutboxTask")
    now = timezone.now()
    OutboxTask.objects.bulk_create(
        OutboxTask(
            task="jineng.training.roster_job_run",
            args=[pk],
            object_type="training.RosterJob",
            object_id=pk,
            created_at=now,
            next_attempt_at=now - dt.timedelta(seconds=1),
        )
        for pk in RosterJob.objects.filter(status__in=["queued", "running"]).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0003_enrolment_drop_redundant_fk_indexes'),
        ('outbox', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='rosterjob',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='rosterjob',
            name='runs',
            field=models.PositiveIntegerField(default=0, verbose_name='检查次数'),
        ),
        migrations.AlterField(
            model_name='rosterjob',
            name='status',
            field=models.CharField(choices=[('queued', '排队中'), ('running', '检查中'), ('accepted', '已导入'), ('refused', '未通过检查'), ('failed', '已失败')], default='queued', max_length=16, verbose_name='状态'),
        ),
        migrations.RunPython(enqueue_open_jobs, migrations.RunPython.noop),
    ]
