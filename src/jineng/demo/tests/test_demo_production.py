"""demo_load refuses in production mode (issue 12.8): the demo's accounts share a published password."""

import pytest
from django.core.management import CommandError, call_command

from jineng.accounts.models import User
from jineng.audit.models import Event
from jineng.core.errors import Refusal
from jineng.demo.services import demo_load
from jineng.regions.models import Region

pytestmark = pytest.mark.django_db


def test_demo_load_is_refused_in_production_mode_and_writes_nothing(settings):
    settings.JINENG_MODE = "production"
    with pytest.raises(Refusal, match="生产模式"):
        demo_load()
    with pytest.raises(CommandError, match=r"生产模式（JINENG_MODE=production）下不能载入演示数据"):
        call_command("demo_load")
    assert not Region.objects.exists() and not User.objects.exists() and not Event.objects.exists()
