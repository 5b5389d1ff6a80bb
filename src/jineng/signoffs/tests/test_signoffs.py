"""C01: the bureau's sign-offs of the application form — each by a named person at a time, only the fields
the class's profile's form has, each at its point of the class's life, shown on the assessment's page."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.assessment.tests.scope_cases import applied
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.signoffs import services
from jineng.signoffs.models import SignOff
from jineng.supervision.tests.factory import make_class, xuchang_class
from jineng.training.models import ClassState

pytestmark = pytest.mark.django_db


def test_c01_exam_patrol_signed_by_the_inspector_and_shown_on_the_assessment_page(world: World) -> None:
    # Given a Zhengzhou class whose exam was held
    a = applied(world)
    inspector = world.users[Role.INSPECTOR]
    # When the inspector signs the patrol
    s = services.signoff_record(
        actor=inspector, training_class=a.training_class, kind="exam_patrol", opinion="考场秩序良好"
    )
    # Then it is his, with the time, tied to the assessment; the assessment page shows it
    assert (s.signer_name, s.assessment_id) == (inspector.label, a.pk) and s.signed_at is not None
    page = world.client(world.users[Role.HR_ADMIN]).get(f"/assessment/{a.pk}/").content.decode()
    assert "结业考核 · 考核巡查" in page and inspector.label in page and "考场秩序良好" in page
    # And the field is signed once only
    with pytest.raises(Refusal, match="已签字"):
        services.signoff_record(
            actor=world.users[Role.HR_FIRST],
            training_class=a.training_class,
            kind="exam_patrol",
            opinion="再签",
        )


def test_c01_only_the_fields_of_the_profiles_form(world: World) -> None:
    # Given an assessed class in Zhengzhou (ZZ21's form: no opinion after the assessment) and one in Xuchang
    zz = make_class(world, state=ClassState.ASSESSED)
    xc = xuchang_class(world, state=ClassState.ASSESSED)
    # Then the Zhengzhou bureau cannot write an assessment opinion, naming C01 and its clause
    with pytest.raises(Refusal) as exc:
        services.signoff_record(
            actor=world.users[Role.HR_FIRST], training_class=zz, kind="assessment_opinion", opinion="同意"
        )
    assert exc.value.rule == "C01" and "附件2" in exc.value.clause
    # And the Xuchang bureau (XC23 附件3) can
    s = services.signoff_record(
        actor=world.outsiders[Role.HR_FIRST], training_class=xc, kind="assessment_opinion", opinion="同意"
    )
    assert s.kind == "assessment_opinion"
    got = world.client(world.outsiders[Role.HR_ADMIN]).get(f"/api/v1/signoffs/classes/{xc.pk}").json()
    assert [(f["kind"], f["signed"]) for f in got] == [
        ("supervision_opinion", False),
        ("exam_patrol", False),
        ("assessment_opinion", True),
    ]


def test_c01_each_field_at_its_point_and_by_its_signers(world: World) -> None:
    tc = make_class(world, state=ClassState.IN_TRAINING)
    hr = world.users[Role.HR_FIRST]
    with pytest.raises(Refusal, match="结业后"):
        services.signoff_record(actor=hr, training_class=tc, kind="supervision_opinion", opinion="同意")
    with pytest.raises(Refusal, match="考核当日"):
        services.signoff_record(actor=hr, training_class=tc, kind="exam_patrol", opinion="巡查")
    tc.state = ClassState.ENDED
    tc.save(update_fields=["state"])
    with pytest.raises(Refusal, match="角色"):
        services.signoff_record(
            actor=world.users[Role.INSPECTOR], training_class=tc, kind="supervision_opinion", opinion="同意"
        )
    services.signoff_record(actor=hr, training_class=tc, kind="supervision_opinion", opinion="检查情况属实")
    assert SignOff.objects.get(training_class=tc).signer_name == hr.label
    # The class's own page shows the form's fields: this one signed, the patrol still open
    page = world.client(world.users[Role.HR_ADMIN]).get(f"/classes/{tc.pk}/").content.decode()
    assert "检查情况属实" in page and hr.label in page and "未签字" in page


def test_c01_the_sign_page_signs_and_the_future_exam_waits(world: World) -> None:
    a = applied(world)
    a.assessment_date = dt.date.today() + dt.timedelta(days=3)
    a.save(update_fields=["assessment_date"])
    client = world.client(world.users[Role.HR_FIRST])
    url = f"/signoffs/classes/{a.training_class_id}/"
    assert "考核巡查" in client.get(url).content.decode()
    page = client.post(url, {"kind": "exam_patrol", "opinion": "巡查"}, follow=True).content.decode()
    assert "考核当日或之后方可签字" in page and not SignOff.objects.exists()
