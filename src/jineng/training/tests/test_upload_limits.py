"""Issue 12: the roster goes through the upload reader; a file beyond a limit fails the job with the
limit's message (never stays 检查中), and nothing is written."""

from __future__ import annotations

import pytest

from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.tests import hostile
from jineng.people.models import Person
from jineng.training import services
from jineng.training.models import Enrolment, RosterJob
from jineng.training.tests.factories import APPLIED, draft_class

pytestmark = pytest.mark.django_db

LIMITS = "（最多 100000 行、200 列、共 1000000 个单元格）"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (hostile.declared_everything(), f"文件声明的表格范围 A1:XFD1048576 超过上限{LIMITS}"),
        (hostile.far_cell(), f"工作表实际使用的范围 A1:XFD1048576 超过上限{LIMITS}"),
    ],
    ids=["declared", "far-cell"],
)
def test_a_roster_beyond_the_limits_fails_its_job_with_the_limit(
    world: World, content: bytes, message: str
) -> None:
    persons = Person.objects.count()
    job = services.roster_job_create(
        actor=world.users["institution"],
        training_class=draft_class(world),
        filename="花名册.xlsx",
        content=content,
    )
    job = services.roster_job_run(job_id=job.pk, today=APPLIED)
    assert (job.status, job.get_status_display(), job.message) == (
        RosterJob.Status.FAILED,
        "已失败",
        message,
    )
    assert job.finished_at is not None
    assert Enrolment.objects.count() == 0 and Person.objects.count() == persons


def test_a_zip_bomb_is_refused_at_upload_and_no_job_is_stored(world: World) -> None:
    with pytest.raises(Refusal) as caught:
        services.roster_job_create(
            actor=world.users["institution"],
            training_class=draft_class(world),
            filename="花名册.xlsx",
            content=hostile.text_bomb(300),
        )
    assert caught.value.render() == "“花名册文件”：文件解压后共 314.6 MB，超过上限 50 MB"
    assert RosterJob.objects.count() == 0
