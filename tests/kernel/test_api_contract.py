"""The API keeps its OpenAPI document (SPEC §5.1, security issue 11): Schemathesis generates requests
from /api/v1/openapi.json in both generation modes — positive (what the document allows) and negative
(what it forbids: wrong types, out-of-range numbers, too-long strings, missing required fields) — in
its examples, coverage and fuzzing phases, and sends each with the token of every role.

No answer may be a server error; every answer has a documented status, the documented content type
and a body matching the documented schema (the error body included). A request the document forbids
is refused with a 4xx; one it allows is accepted, unless a rule of the operation refuses it (see
`positive_data_accepted_unless_a_rule_refuses`). Bounded and derandomized; the figures are printed at
the end of the run."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from app.domain.roles import ALL_ROLES
from catalogs.models import ContactGoal
from tests import factories as f
from tests.factories import msk

MAX_EXAMPLES = 6  # fuzzing examples per operation; the coverage phase adds its own boundary cases
FIGURES: dict[str, Counter] = defaultdict(Counter)  # per database


def positive_data_accepted_unless_a_rule_refuses(ctx, response, case):
    """`positive_data_acceptance`, narrowed to what a schema can say. A schema-valid request may still be
    refused by a rule of the operation, documented as such: a 422 («the rules forbid this»), or a 400
    `validation_failed` that names the field (a row that does not exist, a visit in the past, a
    cursor that is not the `next` of a page, what one `type` of a webhook needs). A 400 from reading
    the request (`bad_request`) means the document allows what the server refuses: that still fails."""
    if response.status_code in (400, 422):
        try:
            error = json.loads(response.text)["error"]
        except (ValueError, KeyError, TypeError):
            error = {}
        if response.status_code == 422 or (error.get("code") == "validation_failed" and error.get("fields")):
            return None
    return positive_data_acceptance(ctx, response, case)


def invalid_input_names_the_field(ctx, response, case):
    """An invalid request refused with 400 says which field is at fault (`_body` for a body that cannot
    be read at all), in the API's error body."""
    if case.meta.generation.mode is not GenerationMode.NEGATIVE or response.status_code != 400:
        return None
    try:
        error = json.loads(response.text)["error"]
    except (ValueError, KeyError, TypeError):
        error = None
    if not isinstance(error, dict) or not error.get("fields") or not error.get("message"):
        raise AssertionError(f"400 without the field at fault: {response.text[:300]}")
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection, positive_data_accepted_unless_a_rule_refuses, invalid_input_names_the_field]


@pytest.fixture
def world(app, session, clock, make_user):
    """A client with a car, a booking, a traffic record and a lead, so small ids hit real rows."""
    from app.api.auth import issue_token
    from desk import service as desk
    from leads import service as leads
    from traffic import service as traffic

    clock.set(msk(2026, 11, 23, 12, 5))
    client = f.client(session, clock, "Зубков Алексей", phones=["+7 (908) 4944434"],
                      cars=[{"make_model": "TOYOTA COROLLA", "plate": "n123ap"}])
    advisor = make_user("service_advisor", username="contract-advisor")
    desk.create_booking(session, desk.BookingDraft(
        client_id=client.id, car_id=client.cars[0].id, advisor_id=advisor.id, start_at=msk(2026, 11, 24, 10, 0),
        works=[desk.catalog_work_line(session, work_id=None, name="ТО-1", hours=None, price=None)]),
        actor_id=None, clock=clock)
    goal = session.scalars(select(ContactGoal).where(ContactGoal.show_in_list.is_(True))).first()
    traffic.register(session, traffic.TrafficDraft(channel="call", goal_id=goal.id, client_id=client.id),
                     actor_id=None, clock=clock)
    leads.create_lead(session, leads.LeadDraft(client_id=client.id, interest="Camry"), actor_id=None, clock=clock)
    tokens = {}
    for role in sorted(ALL_ROLES):
        user = make_user(role, username=f"contract-{role}")
        tokens[role] = issue_token(session, user, clock=clock)
    return tokens


def _document() -> dict:
    """The document as the app serves it (no database is opened to build it)."""
    from app import create_app

    document_app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return document_app.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_document())
# Both modes, said here rather than left to the library's default.
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract_for_every_role(case, app, world, db_kind, record_fuzz_figures):
    figures = FIGURES[db_kind]
    sent: Counter = Counter({f"API-contract {db_kind} operations": 0})
    figures["operations " + case.operation.label] = 1
    if case.meta.generation.mode is GenerationMode.NEGATIVE:
        # An invalid request with the admin's token (allowed everywhere, so it reaches the validation)
        # and with one other role's in turn (refused before it): all roles for all invalid requests
        # would triple the run for no new path.
        others = [token for role, token in world.items() if role != "admin"]
        tokens = [world["admin"], others[figures["negative cases"] % len(others)]]
        figures["negative cases"] += 1
    else:
        tokens = list(world.values())
    for token in tokens:
        response = case.call(app=app, session=app.test_client(), headers={"Authorization": f"Bearer {token}"})
        figures["requests"] += 1
        figures[f"{response.status_code // 100}xx"] += 1
        figures[f"mode {case.meta.generation.mode.value}"] += 1
        figures[f"phase {case.meta.phase.name.value}"] += 1
        sent.update({f"API-contract {db_kind} requests": 1, f"API-contract {db_kind} {response.status_code // 100}xx": 1,
                     f"API-contract {db_kind} {case.meta.generation.mode.value}": 1})
        try:
            case.validate_response(response, checks=CHECKS)
        finally:
            if figures.get("recorded " + case.operation.label) is None:
                figures["recorded " + case.operation.label] = 1
                sent[f"API-contract {db_kind} operations"] = 1
            record_fuzz_figures(sent)
            sent.clear()


def test_the_run_sent_valid_and_invalid_requests_and_got_no_server_error(db_kind, pytestconfig):
    figures = FIGURES.get(db_kind)
    if not figures or sum(1 for key in figures if key.startswith("operations ")) < 10:
        pytest.skip("the contract test did not run over the whole document in this session")
    # The totals are shown in the "fuzz figures" section at the end of the run (tests/conftest.py).
    line = (f"API contract on {db_kind}: {figures['requests']} requests to "
            f"{sum(1 for key in figures if key.startswith('operations '))} operations; "
            + ", ".join(f"{key} {figures[key]}" for key in sorted(figures)
                        if not key.startswith(("operations ", "recorded ")))
            + f"; 5xx: {figures['5xx']}")
    print(line)
    assert figures["mode positive"] > 0 and figures["mode negative"] > 0, line
    assert figures["5xx"] == 0, line
