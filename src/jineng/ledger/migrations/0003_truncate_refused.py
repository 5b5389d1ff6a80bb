"""On PostgreSQL TRUNCATE of journal entries and postings is refused too: 0002 refused UPDATE and
DELETE, but TRUNCATE does neither and emptied the books. The application's role has no TRUNCATE
privilege (jineng.core.dbroles); this stops the tables' owner as well. Only a superuser gets past
it, by switching triggers off for the session (how the test suite's flush empties the tables:
jineng/conftest.py). Same as audit/migrations/0005.
"""

from django.db import migrations

TRUNCATE = """
CREATE TRIGGER ledger_journalentry_no_truncate
BEFORE TRUNCATE ON ledger_journalentry
FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE TRIGGER ledger_posting_no_truncate
BEFORE TRUNCATE ON ledger_posting
FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS ledger_posting_no_truncate ON ledger_posting;
DROP TRIGGER IF EXISTS ledger_journalentry_no_truncate ON ledger_journalentry;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRUNCATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_and_balanced_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
