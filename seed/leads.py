"""Demo leads on a fresh install: a few in each situation of seed 004, so the call-centre's list, the lead
card and the meetings calendar have something to show (through the real services, so cadences run)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock, FixedClock
from app.models.user import User
from clients.models import Client
from leads import service
from leads.models import Lead

INTERESTS = ("Kia Sportage", "Kia Rio", "Hyundai Creta", "Toyota RAV4", "Skoda Octavia", "Haval Jolion")


def install_demo_leads(session: Session, *, clock: Clock, count: int = 12, seed: int = 4) -> int:
    """Idempotent: nothing when leads exist. A third with a meeting set, a third whose client did not
    come (the no-show cadence runs), a third without a meeting (the qualified-lead cadence runs)."""
    if session.scalar(select(Lead.id).limit(1)) is not None:
        return 0
    clients = list(session.scalars(select(Client.id).order_by(Client.id).limit(count * 3)))
    staff = {u.username: u.id for u in session.scalars(select(User))}
    call_centre, sales = staff.get("callcenter"), [staff[n] for n in ("sales", "sales2") if n in staff]
    if not clients or not sales:
        return 0
    rng = random.Random(seed)
    now = clock.now()
    for n, client_id in enumerate(rng.sample(clients, k=min(count, len(clients)))):
        lead = service.create_lead(session, service.LeadDraft(client_id=client_id, interest=rng.choice(INTERESTS),
                                                              responsible_id=call_centre),
                                   actor_id=call_centre, clock=clock)
        if n % 3 == 0:
            at = (now + timedelta(days=1 + n % 5)).replace(hour=8 + n % 8, minute=0, second=0, microsecond=0)
            service.record_event(session, lead.id, "meeting_set", actor_id=call_centre, clock=clock, at=at,
                                 employee_id=rng.choice(sales))
        elif n % 3 == 1:  # a meeting set two days ago for yesterday, and the client did not come
            met = (now - timedelta(days=1)).replace(hour=8 + n % 6, minute=0, second=0, microsecond=0)
            service.record_event(session, lead.id, "meeting_set", actor_id=call_centre, at=met,
                                 clock=FixedClock(now - timedelta(days=2)), employee_id=rng.choice(sales))
            service.record_event(session, lead.id, "no_show", actor_id=None, clock=clock)
        else:
            service.record_event(session, lead.id, "no_meeting_set", actor_id=call_centre, clock=clock)
    return min(count, len(clients))
