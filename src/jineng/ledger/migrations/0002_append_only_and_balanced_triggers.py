"""On PostgreSQL the database itself keeps the books: whoever connects,

* UPDATE and DELETE on journal entries and postings are refused (corrections are reversing entries);
* at commit, every entry that got an entry row or a posting must balance (debits = credits > 0): a
  deferred constraint trigger, so that the postings of an entry may be inserted one by one.

TRUNCATE stays possible for the database owner (how the test runner resets tables); it is not an
application path. Same approach as audit/migrations/0002.
"""

from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_journalentry_append_only
BEFORE UPDATE OR DELETE ON ledger_journalentry
FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

CREATE TRIGGER ledger_posting_append_only
BEFORE UPDATE OR DELETE ON ledger_posting
FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
"""

BALANCED = """
CREATE OR REPLACE FUNCTION ledger_entry_balanced() RETURNS trigger AS $$
DECLARE
    eid bigint;
    d numeric;
    c numeric;
BEGIN
    IF TG_TABLE_NAME = 'ledger_posting' THEN
        eid := NEW.entry_id;
    ELSE
        eid := NEW.id;
    END IF;
    SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0) INTO d, c
        FROM ledger_posting WHERE entry_id = eid;
    IF d <> c OR d = 0 THEN
        RAISE EXCEPTION 'ledger entry % is unbalanced: debit % credit %', eid, d, c
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_entry_balanced
AFTER INSERT ON ledger_journalentry
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();

CREATE CONSTRAINT TRIGGER ledger_posting_balanced
AFTER INSERT ON ledger_posting
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
"""

DROP = """
DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_posting;
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_journalentry;
DROP FUNCTION IF EXISTS ledger_entry_balanced();
DROP TRIGGER IF EXISTS ledger_posting_append_only ON ledger_posting;
DROP TRIGGER IF EXISTS ledger_journalentry_append_only ON ledger_journalentry;
DROP FUNCTION IF EXISTS ledger_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)
        schema_editor.execute(BALANCED, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
