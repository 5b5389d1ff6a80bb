# Written by hand: the enrolment key of 0003 becomes a guard on the enrolment side.

from typing import Any

from django.db import migrations

# A claim line is an enrolment's line. 0003 made that a foreign key (training_class, person) →
# training_enrolment, checked for every line at commit: each check locks the enrolment row (FOR KEY SHARE,
# a write and a WAL record per row), which for a million lines was a seventh of the CPU of claiming them.
# The lines are written only by claims.bulk, from the enrolments it has just read with their classes
# locked, so the insert side cannot break it; what could is an enrolment removed (or re-keyed) after its
# trainee was claimed — a roster replaced, a row deleted by hand. That side is guarded here, by a trigger
# that refuses it like the key did (foreign_key_violation), at no cost to the claims themselves.
# SQLite (the embedded mode) had no such key and gets no trigger.
FORWARD = """
ALTER TABLE claims_claimline DROP CONSTRAINT claims_claimline_enrolment_fk;
CREATE FUNCTION training_enrolment_keep_claimed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM claims_claimline
        WHERE training_class_id = OLD.training_class_id AND person_id = OLD.person_id
    ) THEN
        RAISE EXCEPTION USING
            MESSAGE = '花名册第 ' || OLD.row || ' 行（学员 ' || OLD.person_id || '）已有补贴申领明细，不能删除或更改',
            ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER training_enrolment_keep_claimed
    BEFORE DELETE OR UPDATE OF training_class_id, person_id ON training_enrolment
    FOR EACH ROW EXECUTE FUNCTION training_enrolment_keep_claimed();
"""
BACKWARD = """
DROP TRIGGER training_enrolment_keep_claimed ON training_enrolment;
DROP FUNCTION training_enrolment_keep_claimed();
ALTER TABLE claims_claimline ADD CONSTRAINT claims_claimline_enrolment_fk
    FOREIGN KEY (training_class_id, person_id)
    REFERENCES training_enrolment (training_class_id, person_id)
    DEFERRABLE INITIALLY DEFERRED;
"""


def _on_postgresql(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_claimline_refused_index"),
        ("training", "0003_enrolment_drop_redundant_fk_indexes"),
    ]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
