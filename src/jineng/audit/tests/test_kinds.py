"""One registry of event kinds: the writers refuse any other, and no source passes an unregistered one."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction

from jineng.audit import kinds
from jineng.audit.models import Event
from jineng.audit.services import event_record, events_record, events_record_many, events_record_objects
from jineng.claims.models import ClaimRunChunk, ClaimStage, ClaimStep
from jineng.conftest import World
from jineng.ledger.models import EntryKind
from jineng.training.models import ReviewStage, ReviewStep

SRC = Path(kinds.__file__).resolve().parents[1]  # src/jineng
RECORDERS = {"event_record", "events_record", "events_record_many", "events_record_objects"}
# The places that build a kind from a model's choices; test_kinds_built_from_choices_are_registered
# enumerates those choices. A new place that builds a kind must be added there and here.
BUILT = {
    ("training/services.py", "class_review"),
    ("claims/bulk.py", "claims_review_bulk"),
    ("claims/prepayments.py", "prepayment_review"),
    ("claims/runs.py", "claim_run_chunk_process"),
    ("ledger/services.py", "_write"),
}


def test_an_unregistered_kind_is_refused_by_every_writer(world: World) -> None:
    # Given a kind nobody registered
    fake = "class.teleported"
    assert not kinds.is_registered(fake)
    before = Event.objects.count()
    # When any writer is asked to record it, then it refuses, naming the kind, and writes nothing
    with transaction.atomic():
        for write in (
            lambda: event_record(actor=None, action=fake, obj=world.jinshui),
            lambda: events_record(actor=None, action=fake, objs=[world.jinshui]),
            lambda: events_record(actor=None, action=fake, objs=[]),
            lambda: events_record_objects(
                actor=None, action=fake, object_type="regions.Region", objects=[(1, "x")]
            ),
            lambda: events_record_many(actor=None, action=fake, items=[{"obj": world.jinshui}]),
        ):
            with pytest.raises(kinds.UnregisteredEventKind, match=r"'class\.teleported'"):
                write()
    assert Event.objects.count() == before
    # And a registered kind is written
    with transaction.atomic():
        event = event_record(actor=None, action="class.submitted", obj=world.jinshui)
    assert (event.action, kinds.label_of(event.action)) == ("class.submitted", "班级已提交")


def test_label_of() -> None:
    assert kinds.label_of("roster.uploaded") == "花名册已上传，等待检查"
    assert kinds.label_of("user.password_changed") == "密码已修改"
    # An old event of a kind no longer registered is shown by its code
    assert kinds.label_of("class.teleported") == "class.teleported"
    assert all(label for _, label in kinds.choices())


def test_kinds_built_from_choices_are_registered() -> None:
    built = {
        *(f"class.review.{stage}.{step}" for stage in ReviewStage.values for step in ReviewStep.values),
        *(f"claim.review.{stage}.{step}" for stage in ClaimStage.values for step in ClaimStep.values),
        *(f"prepayment.review.{step}" for step in ("first", "second")),
        *(f"claim_run.chunk.{state}" for state in ClaimRunChunk.State.values if state != "pending"),
        *(f"ledger.{kind}" for kind in EntryKind.values),
    }
    assert sorted(k for k in built if not kinds.is_registered(k)) == []


def _name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _action(call: ast.Call, position: int | None) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "action":
            return keyword.value
    return call.args[position] if position is not None and len(call.args) > position else None


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef]:
    return (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef))


def _sources() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(SRC)): ast.parse(path.read_text(encoding="utf-8"))
        for path in SRC.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    }


def _helpers(sources: dict[str, ast.Module]) -> dict[tuple[str, str], int | None]:
    """The functions of each module that pass their ``action`` parameter on to a writer (a service body
    shared by two services, such as progress's ``_withdraw``), with that parameter's position; found
    until none is added."""
    helpers: dict[tuple[str, str], int | None] = {}
    grew = True
    while grew:
        grew = False
        for module, tree in sources.items():
            for fn in _functions(tree):
                params = [a.arg for a in fn.args.args]
                if (module, fn.name) in helpers or "action" not in params + [
                    a.arg for a in fn.args.kwonlyargs
                ]:
                    continue
                for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                    name = _name(call)
                    if name in RECORDERS or (module, name) in helpers:
                        value = _action(call, helpers.get((module, name or "")))
                        if isinstance(value, ast.Name) and value.id == "action":
                            helpers[(module, fn.name)] = (
                                params.index("action") if "action" in params else None
                            )
                            grew = True
                            break
    return helpers


def _literals(value: ast.expr) -> list[str] | None:
    """The kinds an action expression can be, when it is plain strings (one, or one of two)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, ast.IfExp):
        body, orelse = _literals(value.body), _literals(value.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def test_every_kind_in_the_sources_is_registered() -> None:
    sources = _sources()
    helpers = _helpers(sources)
    # The scan does see through a function that passes its caller's kind on (the apps' private
    # ``_event`` wrappers are gone: test_one_way.py keeps them out)
    assert ("progress/services.py", "_withdraw") in helpers
    seen: set[str] = set()
    problems = []
    for module, tree in sources.items():
        for fn in _functions(tree):
            forwards = (module, fn.name) in helpers
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                name = _name(call)
                if name not in RECORDERS and (module, name) not in helpers:
                    continue
                value = _action(call, helpers.get((module, name or "")))
                where = f"{module}:{call.lineno}"
                if value is None:
                    problems.append(f"{where}: no action")
                elif forwards and isinstance(value, ast.Name) and value.id == "action":
                    continue  # a helper passing its caller's kind on: checked at the caller
                elif (found := _literals(value)) is not None:
                    seen.update(found)
                    problems += [
                        f"{where}: {k!r} is not in jineng.audit.kinds"
                        for k in found
                        if not kinds.is_registered(k)
                    ]
                elif (module, fn.name) not in BUILT:
                    problems.append(
                        f"{where}: the kind {ast.unparse(value)} cannot be checked; pass a string"
                    )
    assert problems == []
    # The scan found the kinds written inline, helpers' callers included
    assert {"class.submitted", "roster.uploaded", "user.password_changed", "claim.created"} <= seen
    assert {"media_item.withdraw", "competition.withdraw"} <= seen
