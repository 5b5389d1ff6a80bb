"""Sanctions are append-only, and the institutions already suspended or exited get theirs (I01).

1. On PostgreSQL the database refuses UPDATE, DELETE and TRUNCATE of sanctions and of their lift
   signatures, whoever connects (as audit 0002/0005 and ledger 0002/0003; core.dbroles lists them).
2. Each institution whose status is 暂停 or 已退出 before this migration gets the sanction that the status
   stood for, from the day of its event in the audit trail, so the I01 bar sees it: a suspension whose reason starts with "C09" becomes a stop-opening
   (满意度不达标整改), any other a suspension, to its 暂停至 date (inclusive) or until lifted; an exit a
   catalogue exit. The decision is the status reason; the reference says it was carried over. Backwards
   deletes only the sanctions this migration made (reference MIGRATED).
"""

from django.db import migrations

TABLES = ("orgs_sanction", "orgs_sanctionliftsignature")

FUNCTION = """
CREATE OR REPLACE FUNCTION orgs_sanction_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGERS = "".join(
    f"""
CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t}
FOR EACH ROW EXECUTE FUNCTION orgs_sanction_append_only();
CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
FOR EACH STATEMENT EXECUTE FUNCTION orgs_sanction_append_only();
"""
    for t in TABLES
)
DROP = "".join(
    f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};\nDROP TRIGGER IF EXISTS {t}_append_only ON {t};\n"
    for t in TABLES
) + "DROP FUNCTION IF EXISTS orgs_sanction_append_only();\n"

MIGRATED = "状态迁移：由原机构状态转为处理决定"


def triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        schema_editor.execute(TRIGGERS, params=None)


def triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def standing_carried(apps, schema_editor):
    Organisation = apps.get_model("orgs", "Organisation")
    Sanction = apps.get_model("orgs", "Sanction")
    Event = apps.get_model("audit", "Event")
    rows = []
    for org in Organisation.objects.filter(status__in=("suspended", "exited")).iterator():
        # From the day of the event that set the status (the audit trail has it), else its registration.
        action = "organisation.exited" if org.status == "exited" else "organisation.suspended"
        event = (
            Event.objects.filter(object_type="orgs.Organisation", object_id=str(org.pk), action=action)
            .order_by("-at")
            .first()
        )
        starts = (event.at if event is not None else org.created_at).date()
        reason = (org.status_reason or "（原状态未写明原因）")[:200]
        if org.status == "exited":
            kind, rule, ends = "catalogue_exit", "", None
        else:
            c09 = org.status_reason.startswith("C09")
            kind, rule, ends = ("stop_opening" if c09 else "suspension"), ("C09" if c09 else ""), org.suspended_until
            if ends is not None and ends < starts:
                starts = ends
        rows.append(
            Sanction(
                organisation_id=org.pk,
                kind=kind,
                rule=rule,
                decision=reason,
                reference=MIGRATED,
                starts_on=starts,
                ends_on=ends,
            )
        )
    Sanction.objects.bulk_create(rows)


def standing_uncarried(apps, schema_editor):
    # The triggers are dropped first (operations run backwards), so these rows may go.
    Sanction = apps.get_model("orgs", "Sanction")
    Sanction._base_manager.filter(reference=MIGRATED)._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_sanctions_and_school_record"), ("audit", "0005_chain")]
    operations = [
        migrations.RunPython(standing_carried, standing_uncarried),
        migrations.RunPython(triggers_on, triggers_off),
    ]
