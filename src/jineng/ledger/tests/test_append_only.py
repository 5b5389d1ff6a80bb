"""Entries and postings are never changed nor deleted: by the ORM, and on PostgreSQL by the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from jineng.conftest import World
from jineng.ledger.models import EntryKind, JournalEntry, Posting
from jineng.ledger.services import expense_account
from jineng.ledger.tests.books import DAY, D, funded, owe

ON_POSTGRES = connection.vendor == "postgresql"
POSTGRES_REASON = "the ledger's triggers (ledger migration 0002) exist only on PostgreSQL"


@pytest.fixture
def entry(world: World) -> JournalEntry:
    funded(world.zhengzhou, special_account="1000.00")
    return owe(world.zhengzhou, world.zz_school, "300.00")


def test_queryset_update_and_delete_refused(entry: JournalEntry) -> None:
    with pytest.raises(PermissionError, match="账簿只能追加，不能修改：更正须另记冲销分录"):
        JournalEntry.objects.filter(pk=entry.pk).update(memo="tampered")
    with pytest.raises(PermissionError, match="不能修改"):
        Posting.objects.filter(entry=entry).update(debit=D("1.00"))
    with pytest.raises(PermissionError, match="账簿只能追加，不能删除"):
        JournalEntry.objects.all().delete()
    with pytest.raises(PermissionError, match="不能删除"):
        Posting.objects.filter(entry=entry).delete()
    assert JournalEntry.objects.get(pk=entry.pk).memo == "确认应付 郑州商业技师学院"
    assert sorted(Posting.objects.filter(entry=entry).values_list("debit", "credit")) == [
        (D("0.00"), D("300.00")),
        (D("300.00"), D("0.00")),
    ]


def test_instance_save_and_delete_refused(entry: JournalEntry) -> None:
    entry.memo = "tampered"
    with pytest.raises(PermissionError, match="不能修改"):
        entry.save()
    posting = entry.postings.first()
    assert posting is not None
    posting.credit = D("1.00")
    with pytest.raises(PermissionError, match="不能修改"):
        posting.save()
    with pytest.raises(PermissionError, match="不能删除"):
        posting.delete()
    with pytest.raises(PermissionError, match="不能删除"):
        entry.delete()
    assert JournalEntry.objects.get(pk=entry.pk).memo == "确认应付 郑州商业技师学院"
    assert entry.postings.count() == 2


def test_bulk_update_refused(entry: JournalEntry) -> None:
    postings = list(entry.postings.all())
    for p in postings:
        p.debit, p.credit = p.credit, p.debit
    with pytest.raises(PermissionError), transaction.atomic():
        Posting.objects.bulk_update(postings, ["debit", "credit"])
    assert entry.postings.filter(account__code="subsidy_expense").get().debit == D("300.00")


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=POSTGRES_REASON)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_posting SET debit = credit, credit = debit",
        "UPDATE ledger_journalentry SET memo = 'x'",
        "DELETE FROM ledger_posting",
        "DELETE FROM ledger_journalentry WHERE id = %s",
    ],
)
def test_database_refuses_raw_update_and_delete(entry: JournalEntry, sql: str) -> None:
    # Given a stored entry, and SQL that goes around the ORM / When run / Then the database refuses
    op = sql.split()[0]
    with (
        pytest.raises(DatabaseError, match=f"is append-only: {op} refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk] if "%s" in sql else None)
    assert JournalEntry.objects.get(pk=entry.pk).memo == "确认应付 郑州商业技师学院"
    assert entry.postings.count() == 2


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=POSTGRES_REASON)
def test_database_refuses_an_unbalanced_entry_at_commit(world: World) -> None:
    # Given an entry written around the services with one posting only
    account = expense_account(world.zhengzhou)
    with pytest.raises(DatabaseError, match=r"ledger entry \d+ is unbalanced: debit 5.00 credit 0"):  # noqa: SIM117
        with transaction.atomic():
            bad = JournalEntry.objects.create(
                region=world.zhengzhou, date=DAY, kind=EntryKind.MANUAL, key="raw", fingerprint="x"
            )
            Posting.objects.create(entry=bad, account=account, debit=D("5.00"))
            # When the deferred check runs (at commit; here forced inside the test's transaction)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ledger_entry_balanced, ledger_posting_balanced IMMEDIATE")
    # Then nothing of it is left
    assert not JournalEntry.objects.filter(key="raw").exists()


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=POSTGRES_REASON)
def test_database_accepts_the_services_entries_at_commit(entry: JournalEntry) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ledger_entry_balanced, ledger_posting_balanced IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ledger_entry_balanced, ledger_posting_balanced DEFERRED")
    assert JournalEntry.objects.count() == 2
