"""The API keeps its OpenAPI document (SPEC §5.1, security issue 11): Schemathesis generates requests
from /api/v1/openapi.json — valid ones and invalid ones — and sends each with the token of every role.
No answer may be a server error; every answer must have a documented status, the documented content
type and a body matching the documented schema. Bounded (a few examples per operation, derandomized)
so the run stays well under a minute per database."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from app.domain.roles import ALL_ROLES
from catalogs.models import ContactGoal
from tests.clients import factories as f
from tests.desk_factories import msk

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 6
REQUESTS: Counter = Counter()  # per database: printed at the end, and a sanity check that the run happened


@pytest.fixture
def world(app, session, clock, make_user):
    """A client with a car, a booking, a traffic record and a lead, so small ids hit real rows."""
    from app.api.auth import issue_token
    from app.services import desk, leads, traffic

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


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract_for_every_role(case, app, world, db_kind):
    for token in world.values():
        response = case.call(app=app, session=app.test_client(), headers={"Authorization": f"Bearer {token}"})
        REQUESTS[db_kind] += 1
        STATS[(case.method, case.path, response.status_code)] += 1
        case.validate_response(response, checks=CHECKS)


STATS: Counter = Counter()


@pytest.fixture(autouse=True, scope="module")
def _report():
    yield
    import sys
    print("\nSTATS", dict(REQUESTS), sorted(STATS.items()), file=sys.stderr)
