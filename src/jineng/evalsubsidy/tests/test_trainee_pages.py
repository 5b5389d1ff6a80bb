"""Issue 18: a trainee claims the evaluation subsidy of his own certificate from his own page; the pages he
reaches link nothing he cannot open and offer no organisation's tool (the uploaded certificate list)."""

from __future__ import annotations

import re

import pytest

from jineng.claims.models import Claim
from jineng.conftest import World
from jineng.evalsubsidy import services
from jineng.evalsubsidy.tests.factories import EVAL_4, certificates, certified, standards, under
from jineng.training.models import Enrolment

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"]+)"')


def test_a_trainee_claims_his_certificate_and_is_linked_only_to_pages_he_may_open(world: World) -> None:
    # Given 李明 holds a certificate of an assessed class
    standards(world, EVAL_4)
    under(world, "XC23")
    tc = certified(world)
    (cert,) = certificates(tc, 1)
    Enrolment.objects.filter(pk=cert.enrolment_id).update(person=world.zz_person)
    client = world.client(world.users["trainee"])
    # When he opens his certificates: no uploaded list is offered, and the crumbs lead to his own page
    page = client.get("/evaluation/certificates/").content.decode()
    assert 'type="file"' not in page and "上传证书清单" not in page
    assert '本人 / <a href="/claims/mine/">我的培训与补贴</a> / 可申领证书' in page
    # When he ticks it and claims: he is taken to his new claim, which his own page links
    response = client.post("/evaluation/certificates/", {"certificate": [cert.pk]})
    claim = Claim.objects.get(payee_person=world.zz_person)
    assert (response.status_code, response["Location"]) == (302, f"/evaluation/claims/{claim.pk}/")
    mine = client.get("/claims/mine/").content.decode()
    assert f'<a class="mono" href="/claims/{claim.pk}/">{claim.ref}</a> · 本人申请 · 职业技能评价补贴' in mine
    # Then every link of his claim's pages opens for him: the assessment (结业考核) and the class are named,
    # not linked
    for path in (f"/claims/{claim.pk}/", f"/evaluation/claims/{claim.pk}/"):
        html = client.get(path).content.decode()
        assert "/assessment/" not in html and f"/classes/{tc.pk}/" not in html, path
        assert f"结业考核 <b>{claim.source_ref} " in html or path.startswith("/evaluation/")
        targets = {h for h in HREF.findall(html) if h.startswith("/") and not h.startswith("/static/")}
        for target in sorted(targets):
            if "logout" in target or "?" in target:
                continue
            assert client.get(target).status_code == 200, (path, target)
    # And once submitted, the bureau, which may open the assessment, still finds it linked
    services.evaluation_claim_submit(
        actor=world.users["trainee"],
        claim=claim,
        pledge_name=world.zz_person.name,
        pledge=True,
        bank_name="中国建设银行",
        bank_account="6217002430012345678",
    )
    station = world.client(world.users["hr_first"]).get(f"/claims/{claim.pk}/").content.decode()
    assert claim.source_url in station and claim.source_url.startswith("/assessment/")
