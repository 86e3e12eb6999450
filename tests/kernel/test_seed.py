from sqlalchemy import func, select

from catalogs import defaults
from catalogs import models as cm
from seed.predefined import CATALOG_DEFAULTS, install_predefined


def _snapshot(session):
    rows = {}
    for model, _ in CATALOG_DEFAULTS:
        for row in session.scalars(select(model)):
            rows[(model.__tablename__, row.code)] = (row.name, row.sort_order, row.show_in_list)
    return rows


def test_every_predefined_row_of_the_spec_is_installed(session):
    for model, rows in CATALOG_DEFAULTS:
        codes = set(session.scalars(select(model.code).where(model.predefined.is_(True))))
        assert codes == {row.code for row in rows}, model.__tablename__
    assert {"client_unreachable"} <= set(session.scalars(select(cm.CancellationReason.code)))
    assert session.scalar(select(cm.LeadStage.name).where(cm.LeadStage.code == "meeting_set")) == "5. Встреча назначена"


def test_seeding_twice_changes_nothing(session):
    before = _snapshot(session)
    audit_before = session.scalar(select(func.count()).select_from(cm.AppealOutcome))
    report = install_predefined(session)
    assert report.created == 0
    assert _snapshot(session) == before
    assert session.scalar(select(func.count()).select_from(cm.AppealOutcome)) == audit_before


def test_an_admins_rename_hide_and_reorder_survive_a_new_seed(session):
    goal = session.scalar(select(cm.ContactGoal).where(cm.ContactGoal.code == "other"))
    goal.name, goal.show_in_list, goal.sort_order = "Другое", False, 1
    session.commit()
    install_predefined(session)
    session.refresh(goal)
    assert (goal.name, goal.show_in_list, goal.sort_order) == ("Другое", False, 1)


def test_a_missing_predefined_row_is_restored_and_system_behaviour_repaired(session):
    category = session.scalar(select(cm.AppealCategory).where(cm.AppealCategory.code == "order_status"))
    category.auto_rule = None
    session.commit()
    install_predefined(session)
    session.refresh(category)
    assert category.auto_rule == "order_status"


def test_the_cadences_carry_the_seed_steps_in_order(session):
    cadence = session.scalar(select(cm.Cadence).where(cm.Cadence.code == "qualified_no_meeting"))
    assert [s.day_offset for s in cadence.steps] == [s["day_offset"] for s in defaults.QUALIFIED_NO_MEETING_STEPS]
    last = cadence.steps[-1]
    assert (last.action, last.loss_reason.code) == ("close_lost", "no_contact")
    no_show = session.scalar(select(cm.Cadence).where(cm.Cadence.code == "meeting_no_show"))
    same_day_calls = [s for s in no_show.steps if s.day_offset == 0 and s.action == "call_task"]
    assert len(same_day_calls) == 2


def test_demo_leads_run_their_cadences_and_are_installed_once(session, clock):
    from sqlalchemy import func, select

    from leads.models import CadenceRun, Lead
    from seed.clients import install_demo_clients
    from seed.demo import install_demo
    from seed.leads import install_demo_leads

    install_demo(session)
    install_demo_clients(session, clock=clock, count=30)
    assert install_demo_leads(session, clock=clock) == 12
    assert install_demo_leads(session, clock=clock) == 0
    assert session.scalar(select(func.count()).select_from(Lead)) == 12
    codes = set(session.scalars(select(CadenceRun.cadence_code)))
    assert codes == {"qualified_no_meeting", "meeting_no_show"}
    now = clock.now()
    assert session.scalar(select(func.count()).select_from(Lead).where(Lead.meeting_at > now)) == 4
    no_shows = session.scalars(select(Lead).join(CadenceRun, CadenceRun.lead_id == Lead.id)
                               .where(CadenceRun.cadence_code == "meeting_no_show")).all()
    assert len(no_shows) == 4
    assert all(lead.meeting_at is not None and lead.meeting_at < now for lead in no_shows)  # a meeting was missed


def test_demo_history_replays_past_days_through_the_use_cases_once(session, clock):
    """The replay leaves what the product would have made: bookings that came or did not, traffic taken and
    processed, nothing dated after now; a second run adds nothing; the KPIs of those days have figures."""
    from sqlalchemy import func, select

    from desk.models import Booking
    from kpis import service as kpis
    from kpis.rules import Period
    from seed.clients import install_demo_clients
    from seed.demo import install_demo
    from seed.history import install_demo_history
    from tests.factories import MSK
    from traffic.models import Traffic

    install_demo(session)
    install_demo_clients(session, clock=clock, count=30)
    assert install_demo_history(session, clock=clock, days=6) > 0
    assert install_demo_history(session, clock=clock, days=6) == 0
    now = clock.now()
    statuses = dict(session.execute(select(Booking.status, func.count()).where(Booking.start_at < now)
                                    .group_by(Booking.status)).all())
    assert statuses.get("arrived", 0) > 0 and statuses.get("no_show", 0) + statuses.get("arrived", 0) > 5
    assert session.scalar(select(func.max(Traffic.registered_at))) <= now
    assert session.scalar(select(func.count()).select_from(Traffic).where(Traffic.status == "processed")) > 10
    today = now.astimezone(MSK).date()
    from datetime import timedelta

    report = kpis.report(session, Period(today - timedelta(days=6), today - timedelta(days=1)), zone=MSK)
    assert report.desk.confirmation_rate.value is not None and report.desk.show_rate.value is not None
    assert report.traffic.total > 10 and report.traffic.wait_minutes_p50 is not None
    assert report.leads.cadences_started > 0
