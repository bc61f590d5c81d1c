"""An integrator's journey through the Python client generated from openapi/openapi.json.

Run by .ci/generated-client.sh against a fresh server; it reads BASE_URL, MAIL_DIR, OPENAPI (the
document, for its request examples), ADMIN_EMAIL and ADMIN_PASSWORD from the environment. Every
call goes through a generated `sync_detailed` function; the first failed check exits non-zero.
"""

import datetime
import email
import email.policy
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path

from dealer_portal_api_client import AuthenticatedClient, Client
from dealer_portal_api_client.api.api_clients import create_api_client
from dealer_portal_api_client.api.applications import (
    create_application, get_application, list_applications, transition)
from dealer_portal_api_client.api.auth import client_token, login, register, verify_email
from dealer_portal_api_client.api.changes import list_changes
from dealer_portal_api_client.api.dealer_groups import create_dealer_group, get_dealer_group
from dealer_portal_api_client.models import (
    Action, ApplicationRequest, ClientTokenRequest, CreateApiClientRequest, GrantType,
    LoginRequest, Problem, Profile, RegisterRequest, Scope, Status, TransitionRequest,
    VerifyEmailRequest)
from dealer_portal_api_client.types import UNSET

BASE_URL = os.environ["BASE_URL"]
MAIL_DIR = Path(os.environ["MAIL_DIR"])
DOC = json.loads(Path(os.environ["OPENAPI"]).read_text(encoding="utf-8"))


current_step = "starting"


def fail(msg):
    print(f"FAILED in step '{current_step}': {msg}", file=sys.stderr)
    sys.exit(1)


def crashed(kind, error, trace):
    """An exception (e.g. a response the generated models cannot parse) fails the step too."""
    traceback.print_exception(kind, error, trace)
    fail(f"{kind.__name__}: {error}")


sys.excepthook = crashed


def check(cond, msg):
    if not cond:
        fail(msg)


def expect(resp, status, model=None):
    """The response has `status` and (when given) parsed as `model`; returns the parsed body."""
    if resp.status_code != status:
        fail(f"expected {status}, got {resp.status_code}: {resp.content[:600]!r}")
    if model is not None and not isinstance(resp.parsed, model):
        fail(f"expected a {model.__name__}, parsed {type(resp.parsed).__name__}")
    return resp.parsed


def refused(resp, status, code, field=None):
    """A problem with `code`, or for a 422 a field error with `code` on `field`."""
    problem = expect(resp, status, Problem)
    if field is None:
        check(problem.code == code, f"expected code {code!r}, got {problem.code!r}")
    else:
        errors = [(e.field, e.code) for e in problem.errors]
        check((field, code) in errors, f"expected {code!r} on {field!r}, got {errors}")


def step(msg):
    global current_step
    current_step = msg
    print(f"-- {msg}", flush=True)


def request_example(path, method):
    """The request body example of an operation (its schema's example)."""
    schema = DOC["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return DOC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]["example"]


def token_from_mail(to):
    """The `token` of the link in the latest e-mail to `to` (the outbox may take a moment)."""
    for _ in range(40):
        for path in sorted(MAIL_DIR.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if to not in str(msg["To"]):
                continue
            for part in msg.walk():
                if part.get_content_type() == "text/plain":
                    found = re.search(r"[?&]token=([A-Za-z0-9_-]+)", part.get_content())
                    if found:
                        return found.group(1)
        time.sleep(0.25)
    fail(f"no e-mail with a token= link to {to} in {MAIL_DIR}")


def sign_in(email_address, password):
    resp = login.sync_detailed(client=Client(BASE_URL),
                               body=LoginRequest(email=email_address, password=password))
    return AuthenticatedClient(BASE_URL, token=expect(resp, 200).access_token)


def integrator(scopes, name):
    """An integrator client with `scopes` (strings), signed in with client credentials."""
    body = CreateApiClientRequest(name=name, scopes=[Scope(s) for s in scopes])
    created = expect(create_api_client.sync_detailed(client=admin, body=body), 201)
    check(sorted(s.value for s in created.scopes) == sorted(scopes), f"scopes {created.scopes}")
    grant = ClientTokenRequest(grant_type=GrantType.CLIENT_CREDENTIALS,
                               client_id=created.client_id, client_secret=created.client_secret)
    token = expect(client_token.sync_detailed(client=Client(BASE_URL), body=grant), 200)
    check(token.token_type == "Bearer" and token.expires_in > 0, f"token {token}")
    check(sorted(token.scope.split()) == sorted(scopes), f"token scope {token.scope!r}")
    return AuthenticatedClient(BASE_URL, token=token.access_token)


def follow(client, after=UNSET, **filters):
    """Follows the feed from `after` until `has_more` is false: (items, the cursor to keep)."""
    items = []
    for _ in range(100):
        page = expect(list_changes.sync_detailed(client=client, after=after, limit=2, **filters),
                      200)
        check(page.next_cursor, "next_cursor is never empty")
        items += page.items
        after = page.next_cursor
        if not page.has_more:
            return items, after
    fail("the feed still had more after 100 pages")


def follow_until(client, count, after=UNSET):
    """Follows the feed from `after` until at least `count` changes are there: the server
    publishes a change just after its commit, by a background job, so a reader that asks at once
    may be a moment early."""
    deadline = time.monotonic() + 15
    while True:
        items, cursor = follow(client, after)
        if len(items) >= count or time.monotonic() > deadline:
            return items, cursor
        time.sleep(0.2)


def about(change):
    """(event type, the application's id, else the dealer group's) of a change."""
    data = change.data.to_dict()
    return change.type_.value, data.get("application_id") or data.get("dealer_group_id")


step("the admin signs in")
admin = sign_in(os.environ["ADMIN_EMAIL"], os.environ["ADMIN_PASSWORD"])

step("the admin creates two integrator clients")
crm = integrator(["applications:read", "dealer_groups:read"], "CRM mirror")
hooks = integrator(["webhooks:manage"], "Webhook receiver")

step("an applicant registers and verifies the address from the e-mail")
applicant_email, applicant_password = "li.wei@dealer.example", "correct horse battery staple"
expect(register.sync_detailed(client=Client(BASE_URL), body=RegisterRequest(
    email=applicant_email, password=applicant_password, display_name="Li Wei")), 201)
expect(verify_email.sync_detailed(client=Client(BASE_URL), body=VerifyEmailRequest(
    token=token_from_mail(applicant_email))), 204)

step("the applicant signs in and creates its dealer group (the document's example)")
applicant = sign_in(applicant_email, applicant_password)
profile = Profile.from_dict(request_example("/api/v1/dealer-groups", "post"))
group = expect(create_dealer_group.sync_detailed(client=applicant, body=profile), 201)

step("the applicant creates an application for Suzhou (320500) and submits it")
body = ApplicationRequest.from_dict(
    {**request_example("/api/v1/applications", "post"), "city_code": "320500"})
app = expect(create_application.sync_detailed(client=applicant, body=body), 201)
check(app.status == Status.DRAFT and app.dealer_group_id == group.id, f"new application {app}")
app = expect(transition.sync_detailed(app.id, client=applicant, if_match=f'"{app.version}"',
                                      body=TransitionRequest(action=Action.SUBMIT)), 200)
# Applicants are told review's internal steps as one public `under_review`.
check(app.status == Status.UNDER_REVIEW, f"status the applicant sees after submit: {app.status}")
draft = ApplicationRequest(city_code="320100")  # a second one (Nanjing), to page through
expect(create_application.sync_detailed(client=applicant, body=draft), 201)

step("the integrator lists applications and finds the submitted one")
page = expect(list_applications.sync_detailed(client=crm), 200)
mine = [a for a in page.items if a.id == app.id]
check(len(mine) == 1 and mine[0].status == Status.SUBMITTED, f"list: {page.items}")
read = expect(get_application.sync_detailed(app.id, client=crm), 200)
check(read.version == app.version and read.city_code == "320500", f"read: {read}")

step("the integrator pages with limit=1 and the cursor, and uses updated_since")
everything = [a.id for a in expect(list_applications.sync_detailed(client=crm), 200).items]
paged, cursor = [], UNSET
for _ in range(50):
    page = expect(list_applications.sync_detailed(client=crm, limit=1, cursor=cursor), 200)
    check(len(page.items) <= 1, f"limit=1 gave {len(page.items)} items")
    paged += [a.id for a in page.items]
    if not page.next_cursor:
        break
    cursor = page.next_cursor
check(len(paged) >= 2 and paged == everything, f"pages of one {paged} != the list {everything}")
since = app.updated_at - datetime.timedelta(seconds=1)
page = expect(list_applications.sync_detailed(client=crm, updated_since=since), 200)
check(app.id in [a.id for a in page.items], "updated_since hides the application")
later = app.updated_at + datetime.timedelta(hours=1)
page = expect(list_applications.sync_detailed(client=crm, updated_since=later), 200)
check(page.items == [], f"updated_since an hour later still lists {len(page.items)}")

step("the integrator reads the dealer group; the webhooks-only client may not list applications")
read_group = expect(get_dealer_group.sync_detailed(group.id, client=crm), 200)
check(read_group.legal_name == profile.legal_name, f"group: {read_group}")
refused(list_applications.sync_detailed(client=hooks), 403, "forbidden")

step("the integrator follows the change feed from the start")
seen, cursor = follow_until(crm, 3)
told = {about(c) for c in seen}
for wanted in [("dealer_group.created", str(group.id)), ("application.submitted", str(app.id)),
               ("application.status_changed", str(app.id))]:
    check(wanted in told, f"the feed lacks {wanted}: {sorted(told)}")
# Items are typed by `type` (the document's discriminator): `data` is the event's own model.
submitted = next(c for c in seen if c.type_.value == "application.submitted")
check(type(submitted).__name__ == "ApplicationSubmittedEvent", f"untyped: {type(submitted)}")
check(submitted.data.city_code == "320500" and str(submitted.data.application_id) == str(app.id),
      f"submitted: {submitted.data}")
ids = [c.id for c in seen]
check(len(ids) == len(set(ids)), "the feed repeats a change")

step("the admin starts the review; the feed from the kept cursor gives only that change")
state = expect(get_application.sync_detailed(app.id, client=admin), 200)
check(state.status == Status.SUBMITTED, f"the admin sees {state.status}")
check(Action.START_REVIEW in state.allowed_actions, f"admin's moves: {state.allowed_actions}")
moved = expect(transition.sync_detailed(app.id, client=admin, if_match=f'"{state.version}"',
                                        body=TransitionRequest(action=Action.START_REVIEW)), 200)
news, cursor = follow_until(crm, 1, after=cursor)
check([about(c) for c in news] == [("application.status_changed", str(app.id))],
      f"new changes: {[about(c) for c in news]}")
data = news[0].data.to_dict()
check(data["to_status"] == "under_review" and data["version"] == moved.version, f"data: {data}")
check(news[0].id not in ids, "a change seen before came again")
again, _ = follow(crm, after=cursor)
check(again == [], f"nothing new, yet {[about(c) for c in again]}")

step("types filters; a type beyond the scopes, an unknown type and a made-up cursor are refused")
only, _ = follow(crm, types="application.submitted")
check(only and {about(c) for c in only} == {("application.submitted", str(app.id))},
      f"filtered: {[about(c) for c in only]}")
for beyond in ["message.created", "application.submitted,message.created"]:
    refused(list_changes.sync_detailed(client=crm, types=beyond), 403, "insufficient_scope")
refused(list_changes.sync_detailed(client=crm, types="application.nothing"), 422,
        "unknown_event_type", field="types")
refused(list_changes.sync_detailed(client=crm, after="bm90IGEgY3Vyc29y"), 422, "invalid_cursor",
        field="after")

print("journey: all checks passed")
