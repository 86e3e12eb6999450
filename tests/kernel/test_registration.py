"""The engines learn their plug-ins from the wings at start-up, both databases: what the timer engine fires
(app.extensions["timers"]), the client timeline's sources and «Текущий звонок»."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.timers.models import ScheduledAction
from app.timers.service import TimerRegistry, fire, reconcile, schedule
from clients.current_call import current_call_phone
from clients.timeline import add_timeline_sources

WING_KINDS = {
    "desk": {"confirmation_list", "confirmation_retry", "confirmation_callback", "confirmation_auto_cancel",
             "bookings_day_end"},
    "traffic": {"traffic_escalation"},
    "leads": {"cadence_step", "lead_no_show_check"},
    "kpis": {"kpi_rollup"},
}


def test_each_wing_plugs_in_its_timer_kinds_the_daily_list_and_the_outbox(app):
    registry = app.extensions["timers"]
    assert set(registry.handlers) == set().union(*WING_KINDS.values())
    assert [ensure.__module__ for ensure in registry.periodic] == ["desk.service", "desk.service", "kpis.service"]
    assert set(registry.resenders) == {"messages"}


def test_the_timeline_gets_every_wings_sources_in_the_wings_order_and_telephony_the_current_call(app):
    assert list(app.extensions["timeline_sources"]) == [
        "event", "message", "appeal", "service_request", "traffic", "booking", "confirmation_call", "work_order",
        "repair_visit",
        "work_sheet", "reservation", "lead"]
    assert [provider.__module__ for provider in app.extensions["current_call_providers"]] == ["traffic.hooks"]


def test_a_timeline_kind_registered_by_two_wings_is_refused(app):
    with pytest.raises(ValueError, match="registered twice"):
        add_timeline_sources(app, {"traffic": repr})


def test_a_kind_registered_by_two_wings_is_refused_at_start_up():
    registry = TimerRegistry()
    registry.add_handlers({"x": print})
    registry.add_handlers({"x": print})  # the same function again is harmless
    with pytest.raises(ValueError, match="registered twice"):
        registry.add_handlers({"x": repr})


class TestWithoutTraffic:
    """WINGS lists what is installed: without the traffic wing its timers are unknown, the others still fire."""

    @pytest.fixture
    def app_config(self) -> dict:
        return {"WINGS": ("catalogs", "clients", "documents", "desk", "appeals", "leads")}

    def test_its_timer_kind_is_not_registered_and_fails_without_being_lost(self, app, session, clock, dispatcher):
        assert not WING_KINDS["traffic"] & set(app.extensions["timers"].handlers)
        action = schedule(session, kind="traffic_escalation", due_at=clock.now(), key="no-traffic", clock=clock,
                          target_id=1)
        session.commit()
        assert fire(session, action.id, clock=clock, dispatcher=dispatcher) == "failed"
        session.refresh(action)
        assert action.status == "pending" and "KeyError" in action.last_error  # kept, retried later

    def test_calls_leave_the_client_timeline_and_the_current_call(self, app):
        assert "traffic" not in app.extensions["timeline_sources"]
        assert "appeal" in app.extensions["timeline_sources"]
        assert current_call_phone(db.session, 1) is None and not app.extensions.get("current_call_providers")


class TestWithoutDesk:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"WINGS": ("catalogs", "clients", "documents", "traffic", "appeals", "leads")}

    def test_the_reconciler_no_longer_creates_the_daily_confirmation_list(self, app, session, clock, dispatcher):
        report = reconcile(session, clock=clock, dispatcher=dispatcher)
        assert report["daily_created"] == 0
        assert session.scalar(select(ScheduledAction.id).where(ScheduledAction.kind == "confirmation_list")) is None


def test_with_the_desk_the_reconciler_keeps_the_daily_list(app, session, clock, dispatcher):
    assert reconcile(session, clock=clock, dispatcher=dispatcher)["daily_created"] >= 1
    assert session.scalar(select(ScheduledAction.id).where(ScheduledAction.kind == "confirmation_list")) is not None


MENU = [
    ("view", "admin"),
    ("cat", ["appealcategory", "cancellationreason", "contactgoal", "ignorereason", "leadstage", "lossreason",
             "messagetemplate", "cadence", "work", "regulations", "calendarexception"]),
    ("view", "clients"), ("view", "desk"), ("view", "notifications"), ("view", "traffic"),
    ("view", "trafficjournal"), ("view", "appeals"), ("view", "leads"), ("view", "kpis"),
    ("cat", ["booking", "workorder", "repairvisit", "worksheet", "partsreservation"]),
    ("cat", ["user", "audit", "outboxmessage"]),
    ("view", "twofactor"),
]


def _menu(app):
    admin = app.extensions["admin"][0]
    return [("cat", [child._view.endpoint for child in item._children]) if item.is_category()
            else ("view", item._view.endpoint) for item in admin._menu]


def test_the_admin_menu_is_what_the_wings_declared_in_the_order_of_their_positions(app):
    assert _menu(app) == MENU
    owners = {entry.build.__module__.split(".")[0] for entry in app.extensions["admin_menu"].values()}
    assert owners == {"catalogs", "clients", "desk", "traffic", "appeals", "leads", "documents", "kpis",
                      "admin_views"}


def test_a_menu_position_taken_twice_is_refused_and_a_new_view_lands_where_its_position_says(app):
    from flask_admin import BaseView, expose

    from app.admin.menu import MenuEntry, add_admin_views, declared_views

    with pytest.raises(ValueError, match="admin menu position '000300' is registered twice"):
        add_admin_views(app, [MenuEntry(300, lambda: BaseView(name="Again", endpoint="again"))])

    class Probe(BaseView):
        @expose("/")
        def index(self):
            return "probe"

    add_admin_views(app, [MenuEntry(305, lambda: Probe(name="Probe", endpoint="probe"))])
    endpoints = [view.endpoint for view in declared_views(app)]
    assert endpoints[endpoints.index("desk") + 1] == "probe"
