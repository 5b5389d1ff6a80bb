"""API tokens: issued once, stored as a hash, revocable, and carrying the owner's scope."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from jineng.accounts.models import ApiToken
from jineng.accounts.services import (
    TOKEN_PREFIX,
    api_token_authenticate,
    api_token_issue,
    api_token_revoke,
    user_update,
)
from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.core.tests.test_scope_matrix import assert_envelope, changes, snapshot

API = "/api/v1"


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


# --------------------------------------------------------------------------------------------------
# The service.


def test_issue_stores_only_the_hash(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    token, secret = api_token_issue(actor=clerk, name="  培训管理系统对接  ")
    assert secret.startswith(TOKEN_PREFIX) and len(secret) > 40
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert row["name"] == "培训管理系统对接"
    assert all(secret not in str(value) for value in row.values()), "the secret must not be stored"
    assert secret[len(TOKEN_PREFIX) :].startswith(row["prefix"]) and len(row["prefix"]) == 8
    event = Event.objects.get(action="api_token.issued", object_id=str(token.pk))
    assert event.actor == clerk and event.organisation_id == world.zz_school.pk
    assert secret not in str(event.payload)


def test_two_tokens_have_different_secrets(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    (_, a), (_, b) = api_token_issue(actor=clerk, name="甲"), api_token_issue(actor=clerk, name="乙")
    assert a != b


def test_issue_without_a_name_is_refused(world: World) -> None:
    before = snapshot()
    with pytest.raises(Refusal) as exc:
        api_token_issue(actor=world.users[Role.INSTITUTION], name="   ")
    assert exc.value.field == "用途"
    assert changes(before, snapshot()) == {}


def test_authenticate(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    token, secret = api_token_issue(actor=clerk, name="对接")
    assert api_token_authenticate(secret) == clerk
    assert api_token_authenticate(secret + "x") is None
    assert api_token_authenticate(token.key_hash) is None  # the stored hash is not a credential
    assert api_token_authenticate(secret[len(TOKEN_PREFIX) :]) is None
    assert api_token_authenticate("") is None
    api_token_revoke(actor=clerk, token=token)
    assert api_token_authenticate(secret) is None


def test_last_used_is_touched_at_most_once_a_minute(world: World) -> None:
    token, secret = api_token_issue(actor=world.users[Role.INSTITUTION], name="对接")
    assert token.last_used_at is None
    api_token_authenticate(secret)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api_token_authenticate(secret)
    token.refresh_from_db()
    assert token.last_used_at == first
    stale = first - dt.timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)
    api_token_authenticate(secret)
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at >= first


def test_revoke_is_recorded_once(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    token, _ = api_token_issue(actor=clerk, name="对接")
    api_token_revoke(actor=clerk, token=token)
    token.refresh_from_db()
    revoked_at = token.revoked_at
    assert revoked_at is not None
    api_token_revoke(actor=clerk, token=token)  # idempotent
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    assert Event.objects.filter(action="api_token.revoked", object_id=str(token.pk)).count() == 1


def test_token_of_an_inactive_user_is_refused(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    _, secret = api_token_issue(actor=clerk, name="对接")
    user_update(actor=None, user=clerk, is_active=False)
    assert api_token_authenticate(secret) is None
    assert_envelope(bearer(secret).get(f"{API}/me"), 401, "unauthorized")


def test_issue_is_refused_to_a_role_without_the_capability(world: World) -> None:
    reviewer = world.users[Role.HR_FIRST]
    with pytest.raises(Refusal, match="接口令牌"):
        api_token_issue(actor=reviewer, name="对接")
    assert not ApiToken.objects.filter(user=reviewer).exists()
    assert not Event.objects.filter(action="api_token.issued").exists()


def test_token_stops_working_when_its_owner_loses_the_capability(world: World) -> None:
    # Given a clerk's token, when the account is changed to a reviewer role, the token is dead.
    clerk = world.users[Role.INSTITUTION]
    _, secret = api_token_issue(actor=clerk, name="对接")
    assert api_token_authenticate(secret) == clerk
    clerk = user_update(actor=None, user=clerk, role=Role.HR_FIRST)
    assert api_token_authenticate(secret) is None
    assert_envelope(bearer(secret).get(f"{API}/me"), 401, "unauthorized")


# --------------------------------------------------------------------------------------------------
# Over HTTP.


@pytest.mark.parametrize(
    ("role", "label", "organisation"),
    [
        (Role.INSTITUTION, "培训机构经办", "郑州商业技师学院"),
        (Role.EVALUATOR, "评价机构经办", "中国陶瓷行业特有工种职业技能鉴定站河南分站"),
        (Role.HR_ADMIN, "人社局管理员", None),
    ],
)
def test_bearer_token_for_me(world: World, role: Role, label: str, organisation: str | None) -> None:
    _, secret = api_token_issue(actor=world.users[role], name="对接")
    response = bearer(secret).get(f"{API}/me")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["username"] == f"zz_{role.value}"
    assert body["role"] == role.value and body["role_label"] == label
    assert body["organisation"] == organisation and body["region"] == "郑州市"


def test_revoked_token_is_401(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    token, secret = api_token_issue(actor=clerk, name="对接")
    assert bearer(secret).get(f"{API}/me").status_code == 200
    api_token_revoke(actor=clerk, token=token)
    body = assert_envelope(bearer(secret).get(f"{API}/me"), 401, "unauthorized")
    assert "令牌" in body["message"]
    assert_envelope(bearer(secret).get(f"{API}/people"), 401, "unauthorized")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer jn_made-up-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "Bearer not-even-our-prefix",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "jn_no-scheme",
    ],
)
def test_made_up_token_is_401(world: World, header: str) -> None:
    api_token_issue(actor=world.users[Role.INSTITUTION], name="对接")
    response = Client(HTTP_AUTHORIZATION=header).get(f"{API}/me")
    assert_envelope(response, 401, "unauthorized")


def test_token_hash_is_not_a_credential(world: World) -> None:
    token, _ = api_token_issue(actor=world.users[Role.INSTITUTION], name="对接")
    assert_envelope(bearer(token.key_hash).get(f"{API}/me"), 401, "unauthorized")
    assert_envelope(bearer(TOKEN_PREFIX + token.key_hash).get(f"{API}/me"), 401, "unauthorized")


def test_token_carries_the_owners_scope(world: World) -> None:
    _, secret = api_token_issue(actor=world.users[Role.INSTITUTION], name="对接")
    client = bearer(secret)
    before = snapshot()
    assert_envelope(client.get(f"{API}/people/{world.xc_person.pk}"), 404, "not_found")
    assert client.get(f"{API}/people", {"q": world.xc_person.id_number}).json()["items"] == []
    assert client.get(f"{API}/people", {"q": "王芳"}).json()["items"] == []
    assert_envelope(client.get(f"{API}/organisations/{world.xc_school.pk}"), 404, "not_found")
    assert [o["name"] for o in client.get(f"{API}/organisations").json()["items"]] == ["郑州商业技师学院"]
    assert_envelope(client.get(f"{API}/events"), 403, "forbidden")
    assert_envelope(client.get(f"{API}/regions"), 403, "forbidden")
    assert changes(before, snapshot()) == {}


def test_xuchang_token_cannot_read_zhengzhou(world: World) -> None:
    _, secret = api_token_issue(actor=world.outsiders[Role.HR_ADMIN], name="对接")
    client = bearer(secret)
    assert_envelope(client.get(f"{API}/people/{world.zz_person.pk}"), 404, "not_found")
    assert_envelope(client.get(f"{API}/organisations/{world.zz_school.pk}"), 404, "not_found")
    assert [p["name"] for p in client.get(f"{API}/people").json()["items"]] == ["王芳"]


def test_token_takes_precedence_over_the_session(world: World) -> None:
    _, secret = api_token_issue(actor=world.users[Role.INSTITUTION], name="对接")
    client = world.client(world.users[Role.HR_ADMIN])
    assert client.get(f"{API}/me").json()["role"] == "hr_admin"
    assert client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()["role"] == "institution"


# --------------------------------------------------------------------------------------------------
# The page.


def test_page_issues_and_shows_the_secret_once(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    client = world.client(clerk)
    before = snapshot()
    response = client.post("/account/tokens/", {"name": "培训管理系统对接"})
    assert response.status_code == 200
    assert changes(before, snapshot()) == {"accounts.ApiToken": 1, "audit.Event": 1}
    secret = response.context["secret"]
    assert secret.startswith(TOKEN_PREFIX) and secret in response.content.decode()
    assert bearer(secret).get(f"{API}/me").json()["username"] == clerk.username
    page = client.get("/account/tokens/").content.decode()
    assert "培训管理系统对接" in page and secret not in page
    assert secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8] in page  # the prefix, to tell tokens apart


def test_page_refuses_a_blank_name(world: World) -> None:
    client = world.client(world.users[Role.INSTITUTION])
    before = snapshot()
    response = client.post("/account/tokens/", {"name": "  "})
    assert response.status_code == 200
    assert response.context["secret"] is None
    assert "用途" in response.content.decode()
    assert changes(before, snapshot()) == {}


def test_page_lists_only_own_tokens(world: World) -> None:
    api_token_issue(actor=world.users[Role.EVALUATOR], name="鉴定站对接")
    api_token_issue(actor=world.outsiders[Role.INSTITUTION], name="许昌对接")
    api_token_issue(actor=world.users[Role.INSTITUTION], name="本校对接")
    response = world.client(world.users[Role.INSTITUTION]).get("/account/tokens/")
    assert [t.name for t in response.context["tokens"]] == ["本校对接"]
    page = response.content.decode()
    assert "鉴定站对接" not in page and "许昌对接" not in page


def test_page_revokes_own_token(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    token, secret = api_token_issue(actor=clerk, name="对接")
    client = world.client(clerk)
    before = snapshot()
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/account/tokens/"
    assert changes(before, snapshot()) == {"audit.Event": 1, "tokens.revoked_at": 1}
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_at <= timezone.now()
    assert_envelope(bearer(secret).get(f"{API}/me"), 401, "unauthorized")
    # Again: nothing more happens.
    before = snapshot()
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize(
    "owner",
    ["zz_evaluator", "zz_hr_admin", "xc_institution"],
)
def test_page_cannot_revoke_another_users_token(world: World, owner: str) -> None:
    users = {u.username: u for u in [*world.users.values(), *world.outsiders.values()]}
    token, secret = api_token_issue(actor=users[owner], name="他人令牌")
    before = snapshot()
    response = world.client(world.users[Role.INSTITUTION]).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert changes(before, snapshot()) == {}
    token.refresh_from_db()
    assert token.revoked_at is None
    assert bearer(secret).get(f"{API}/me").status_code == 200


def test_page_revoke_needs_post(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    token, _ = api_token_issue(actor=clerk, name="对接")
    before = snapshot()
    assert world.client(clerk).get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
    assert changes(before, snapshot()) == {}


def test_page_forbidden_without_capability(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    before = snapshot()
    assert client.get("/account/tokens/").status_code == 403
    assert client.post("/account/tokens/", {"name": "越权"}).status_code == 403
    assert changes(before, snapshot()) == {}


def test_token_does_not_open_pages(world: World) -> None:
    """A token is for /api/v1 only: the pages still ask for a login (and the token's owner's session)."""
    _, secret = api_token_issue(actor=world.users[Role.HR_ADMIN], name="对接")
    for path in ("/", "/people/", "/orgs/", "/account/tokens/"):
        response = bearer(secret).get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), path
    before = snapshot()
    response = bearer(secret).post("/account/tokens/", {"name": "借令牌签发"})
    assert response.status_code == 302
    assert changes(before, snapshot()) == {}
