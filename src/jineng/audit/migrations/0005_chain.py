"""The audit trail's hash chain (jineng.audit.chain), and TRUNCATE refused on PostgreSQL.

* Each event gets ``prev_hash`` and ``hash``; the events already written are chained here, in id
  order per region, by the role that runs migrations (the tables' owner): it alone may switch the
  append-only trigger off for that, inside this migration's transaction.
* ``audit_chainhead`` holds each chain's last hash, locked by writers (audit.services).
* A BEFORE TRUNCATE trigger: UPDATE and DELETE were refused (0002) but TRUNCATE emptied the table.
  The application's role has no TRUNCATE privilege anyway (jineng.core.dbroles); this stops the
  owner too (an operator's stray `manage.py flush`). Only a superuser gets past it, by switching
  triggers off for the session (session_replication_role), which is how the test suite's flush
  between transactional tests empties the tables (jineng/conftest.py).
"""

from django.db import migrations, models
from django.utils import timezone

from jineng.audit import chain

TRUNCATE = """
CREATE TRIGGER audit_event_no_truncate
BEFORE TRUNCATE ON audit_event
FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""
DROP_TRUNCATE = "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event;"
BATCH = 5000


def chain_existing(apps, schema_editor):
    connection = schema_editor.connection
    Event = apps.get_model("audit", "Event")
    ChainHead = apps.get_model("audit", "ChainHead")
    names = ["id", *chain.COLUMNS]
    last: dict[str, str] = {}
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        batch: list[tuple[str, str, int]] = []
        region_at = chain.COLUMNS.index("region_path")
        payload_at = chain.COLUMNS.index("payload")
        for row in Event.objects.order_by("id").values_list(*names).iterator(chunk_size=BATCH):
            values = list(row[1:])
            values[payload_at] = chain.plain(values[payload_at])
            prev = last.get(values[region_at], "")
            last[values[region_at]] = digest = chain.link(prev, values)
            batch.append((prev, digest, row[0]))
            if len(batch) >= BATCH:
                _update(cursor, batch, postgres)
                batch = []
        _update(cursor, batch, postgres)
        if postgres:
            cursor.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    ChainHead.objects.bulk_create(ChainHead(region_path=r, hash=h) for r, h in last.items())


def _update(cursor, batch, postgres: bool) -> None:
    if not batch:
        return
    if postgres:
        # One statement per batch: the rows' new values joined in from a VALUES list.
        marks = ", ".join(["(%s, %s, %s)"] * len(batch))
        cursor.execute(
            f"UPDATE audit_event SET prev_hash = v.p, hash = v.h FROM (VALUES {marks}) AS v(p, h, id) "
            "WHERE audit_event.id = v.id::bigint",
            [value for row in batch for value in row],
        )
    else:
        cursor.executemany("UPDATE audit_event SET prev_hash = %s, hash = %s WHERE id = %s", batch)


def truncate_refused(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRUNCATE, params=None)


def truncate_allowed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRUNCATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_event_actor_no_constraint")]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="at",
            field=models.DateTimeField(db_index=True, default=timezone.now, verbose_name="时间"),
        ),
        migrations.AddField(
            model_name="event",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="前一事件哈希"),
        ),
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="哈希"),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("region_path", models.CharField(max_length=255, primary_key=True, serialize=False)),
                ("hash", models.CharField(blank=True, max_length=64)),
            ],
            options={"verbose_name": "审计链头", "verbose_name_plural": "审计链头"},
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(truncate_refused, truncate_allowed),
    ]
