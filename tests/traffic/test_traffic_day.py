"""The reception's real day (issue 13, points 8-12, 22), on SQLite and PostgreSQL: an unknown caller becomes a client
in one step, a visitor's traffic is attached to a document found by number or client, a goal without specialists
still reaches its department, the pick-lists offer only who takes the work, the dialogue script is a setting, the
waiting list is served for the live refresh, and the PBX may send a recording on an intranet host."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.domain.errors import ValidationFailed
from app.domain.regulations import SCRIPT_FIELDS, Regulations
from app.notifications.models import Notification
from app.services.regulations import settings_version
from catalogs.models import ContactGoal
from clients.models import Client
from tests import factories as f
from traffic import service
from traffic.models import Traffic


def goal(session, code):
    return session.scalar(select(ContactGoal).where(ContactGoal.code == code))


@pytest.fixture
def staff(make_user):
    return {
        "reception": make_user("reception", username="anna", full_name="Анна Ресепшн"),
        "admin": make_user("admin", username="boss", full_name="Босс Админов"),
        "sales": make_user("sales_manager", username="petukhov", full_name="Петухов Владимир"),
        "advisor": make_user("service_advisor", username="smirnov", full_name="Смирнов Сергей"),
        "service_admin": make_user("service_admin", username="maria", full_name="Мария Оператор"),
        "callcenter": make_user("call_center", username="olga", full_name="Ольга Иванова"),
        "supervisor": make_user("supervisor", username="chief", full_name="Михаил Николаевич"),
    }


def unknown_call(session, clock, staff, *, code="call_showroom_new_car", **extra):
    draft = service.TrafficDraft(channel="call", goal_id=goal(session, code).id, phone="+7 912 345-67-89",
                                 description="Виктор, Мерседес A класс", **extra)
    row, _ = service.register(session, draft, actor_id=staff["reception"].id, clock=clock)
    return row


def options(page: str, select_id: str) -> list[str]:
    """The texts of a <select>'s options (its first, empty one left out)."""
    block = re.search(rf'<select id="{select_id}".*?</select>', page, re.S).group(0)
    return [text.strip() for value, text in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', block, re.S)
            if value]


# ----- point 8: «Новый клиент» from the traffic card and the reception panel


def test_an_unknown_caller_becomes_a_client_in_one_step_and_the_traffic_is_identified(session, clock, staff, login):
    row = unknown_call(session, clock, staff)
    reception = login(staff["reception"])
    url = f"/admin/traffic/{row.id}/new-client"
    panel = reception.get("/admin/traffic/").get_data(as_text=True)
    assert f'href="{url}"' in panel  # the waiting row without a client offers it
    card = reception.get(f"/admin/traffic/{row.id}").get_data(as_text=True)
    assert f'id="traffic-new-client" href="{url}"' in card

    form = reception.get(url)
    page = form.get_data(as_text=True)
    assert form.status_code == 200 and 'id="new-client-form"' in page
    assert 'name="phone" type="text" value="+7 912 345-67-89"' in page
    assert re.search(r'<textarea id="f-note" name="note"[^>]*>Виктор, Мерседес A класс</textarea>', page)

    bad = reception.post(url, data={"name": "Виктор", "kind": "person", "phone": "12", "note": "Мерседес"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert re.search(r'id="f-phone"[^>]*is-invalid[^>]*>\s*<div class="invalid-feedback">', page)
    assert 'value="Виктор"' in page and ">Мерседес</textarea>" in page  # nothing typed is lost
    session.expire_all()
    assert session.get(Traffic, row.id).client_id is None and session.scalar(select(Client.id)) is None

    done = reception.post(url, data={"name": "Виктор Иванов", "kind": "person", "phone": "+7 912 345-67-89",
                                     "note": "Мерседес A класс"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/admin/traffic/{row.id}")
    session.expire_all()
    traffic = session.get(Traffic, row.id)
    assert traffic.client.name == "Виктор Иванов" and traffic.client.main_phone.value == "+7 912 345-67-89"
    assert traffic.client.manager_id is None  # reception does not become the client's manager
    card = reception.get(f"/admin/traffic/{row.id}").get_data(as_text=True)
    assert 'id="traffic-client">Виктор Иванов</a>' in card and "traffic-new-client" not in card
    again = reception.get(url)
    assert again.status_code == 302  # already identified: back to the card, no second client
    assert reception.post(url, data={"name": "Другой", "kind": "person"}).status_code == 400
    assert len(session.scalars(select(Client)).all()) == 1


def test_the_employee_who_takes_it_becomes_the_manager_and_a_supervisor_may_not_create(session, clock, staff, login):
    row = unknown_call(session, clock, staff)
    service.take(session, row.id, user_id=staff["sales"].id, clock=clock)
    sales = login(staff["sales"])
    assert sales.post(f"/admin/traffic/{row.id}/new-client",
                      data={"name": "Виктор", "kind": "person", "phone": "+7 912 345-67-89"}).status_code == 302
    session.expire_all()
    assert session.get(Traffic, row.id).client.manager_id == staff["sales"].id
    other = unknown_call(session, clock, staff)
    assert login(staff["supervisor"]).get(f"/admin/traffic/{other.id}/new-client").status_code == 403
    assert login(staff["reception"]).get("/admin/traffic/999999/new-client").status_code == 404


def test_a_visitors_traffic_is_attached_to_a_document_found_by_number_or_client(session, clock, staff, login):
    ivanov = f.client(session, clock, "Иванов Дмитрий", phones=["+7 912 000-11-22"])
    order = f.work_order(session, clock, ivanov)
    sheet = f.work_sheet(session, clock, ivanov)
    row, _ = service.register(session, service.TrafficDraft(
        channel="visit", goal_id=goal(session, "visit_service_repair").id, description="Мужчина в синей куртке",
        responsible_id=staff["advisor"].id), actor_id=staff["reception"].id, clock=clock)
    service.take(session, row.id, user_id=staff["advisor"].id, clock=clock)
    advisor = login(staff["advisor"])

    blank = advisor.get(f"/admin/traffic/{row.id}").get_data(as_text=True)
    assert 'id="find-form"' in blank and options(blank, "f-document") == []  # nothing to pick before a search
    by_number = advisor.get(f"/admin/traffic/{row.id}?find={order.number}").get_data(as_text=True)
    found = options(by_number, "f-document")
    assert len(found) == 1 and order.number in found[0] and "Иванов Дмитрий" in found[0]
    assert re.search(rf'<option value="work_order:{order.id}" selected>', by_number)  # the only one is chosen
    assert re.search(r"\d\d\.\d\d\.\d{4}", found[0])  # the date, in the dealership's format
    by_client = options(advisor.get(f"/admin/traffic/{row.id}?find=Иванов").get_data(as_text=True), "f-document")
    assert len(by_client) == 2 and any(sheet.number in text for text in by_client)
    nothing = advisor.get(f"/admin/traffic/{row.id}?find=Нетакого").get_data(as_text=True)
    assert 'id="found-nothing"' in nothing

    done = advisor.post(f"/admin/traffic/{row.id}/attach", data={"document": f"work_order:{order.id}"})
    assert done.status_code == 302
    session.expire_all()
    traffic = session.get(Traffic, row.id)
    assert traffic.status == "processed" and traffic.client_id == ivanov.id and traffic.document_id == order.id


def test_a_known_clients_search_offers_only_their_own_documents(session, clock, staff, login):
    ivanov = f.client(session, clock, "Иванов Дмитрий", phones=["+7 912 000-11-22"])
    petrov = f.client(session, clock, "Петров Пётр", phones=["+7 912 000-33-44"])
    mine, theirs = f.work_order(session, clock, ivanov), f.work_order(session, clock, petrov)
    row, _ = service.register(session, service.TrafficDraft(
        channel="visit", goal_id=goal(session, "visit_service_repair").id, client_id=ivanov.id,
        responsible_id=staff["advisor"].id), actor_id=staff["reception"].id, clock=clock)
    service.take(session, row.id, user_id=staff["advisor"].id, clock=clock)
    page = login(staff["advisor"]).get(f"/admin/traffic/{row.id}?find=ЗН").get_data(as_text=True)
    assert f"work_order:{theirs.id}" not in page and f"work_order:{mine.id}" in page


# ----- point 10: a goal without specialists reaches its department, and the panel says so


def test_a_goal_without_specialists_notifies_the_departments_staff(session, clock, staff, login, make_user):
    repair = goal(session, "call_service_repair")
    assert repair.specialists == []  # `flask seed predefined` invents nobody
    make_user("service_advisor", username="gone").active = False
    session.commit()
    row = unknown_call(session, clock, staff, code="call_service_repair")
    told = set(session.scalars(select(Notification.user_id).where(Notification.target_id == row.id)))
    assert told == {staff["advisor"].id, staff["service_admin"].id}  # the service's roles; not sales, not admins

    showroom = unknown_call(session, clock, staff, code="call_showroom_new_car")
    assert set(session.scalars(select(Notification.user_id).where(Notification.target_id == showroom.id))) == {
        staff["sales"].id}

    panel = login(staff["reception"]).get("/admin/traffic/").get_data(as_text=True)
    warning = re.search(r'<div class="alert alert-warning py-2" id="unstaffed-goals">(.*?)</div>', panel, re.S)
    assert warning and repair.name in warning.group(1)
    repair.specialists = [staff["advisor"]]
    session.commit()
    panel = login(staff["reception"]).get("/admin/traffic/").get_data(as_text=True)
    warning = re.search(r'id="unstaffed-goals">(.*?)</div>', panel, re.S)
    assert warning and repair.name not in warning.group(1)  # the others still have nobody
    named = unknown_call(session, clock, staff, code="call_service_repair")
    assert list(session.scalars(select(Notification.user_id).where(Notification.target_id == named.id))) == [
        staff["advisor"].id]


def test_with_every_goal_staffed_the_panel_warns_about_nothing(session, staff, login):
    for row in session.scalars(select(ContactGoal)):
        row.specialists = [staff["sales"]]
    session.commit()
    assert "unstaffed-goals" not in login(staff["reception"]).get("/admin/traffic/").get_data(as_text=True)


# ----- point 11: the pick-lists and the dialogue script


def test_the_responsible_pick_lists_offer_only_active_staff_who_take_the_work(session, clock, staff, login, make_user):
    make_user("sales_manager", username="left", full_name="Уволенный Менеджер").active = False
    session.commit()
    takers = ["Мария Оператор", "Ольга Иванова", "Петухов Владимир", "Смирнов Сергей"]
    panel = login(staff["reception"]).get("/admin/traffic/").get_data(as_text=True)
    assert options(panel, "f-responsible_id") == takers
    call, _ = service.register_call(session, call_id="pbx-1", caller="+7 912 345-67-89", clock=clock)
    card = login(staff["reception"]).get(f"/admin/traffic/{call.id}").get_data(as_text=True)
    assert options(card, "f-responsible_id") == takers  # «Route the call from the PBX»

    for who in ("admin", "reception", "supervisor"):
        with pytest.raises(ValidationFailed) as refused:
            unknown_call(session, clock, staff, responsible_id=staff[who].id)
        assert "responsible_id" in refused.value.fields
        session.rollback()
    with pytest.raises(ValidationFailed):
        service.route_call(session, call.id, goal_id=goal(session, "call_parts").id,
                           responsible_id=staff["admin"].id, actor_id=staff["reception"].id, clock=clock)
    session.rollback()

    lead_form = login(staff["sales"]).get("/admin/leads/new").get_data(as_text=True)
    assert options(lead_form, "f-responsible_id") == ["Ольга Иванова"]  # «Менеджер КЦ»: call-centre managers only


def test_the_reception_dialogue_script_is_a_setting_shown_on_the_panel(session, staff, login):
    panel = login(staff["reception"]).get("/admin/traffic/").get_data(as_text=True)
    assert "Добрый день, чем я могу помочь?" in panel  # the seed's dialogue is the default

    valid = {
        "confirmation_window_start": "12:00", "confirmation_window_end": "14:00", "latest_call_time": "20:00",
        "retry_delay_minutes": "60", "max_failed_attempts": "3", "confirmation_horizon_days": "1",
        "working_day_start": "09:00", "working_day_end": "21:00", "working_weekdays": "1,2,3,4,5,6",
        "call_continuation_window_hours": "24", "call_continuation_min_calls": "2",
        "repeat_appeal_lookback_days": "30", "traffic_escalation_minutes": "15", "no_show_grace_minutes": "30",
        "timezone": "Europe/Moscow", "dealer_name": "Автоцентр", "dealer_phone": "+7 495 000-00-00",
        **{name: getattr(Regulations(), name) for name in SCRIPT_FIELDS},
    }
    admin = login(staff["admin"])
    settings = admin.get("/admin/regulations/").get_data(as_text=True)
    assert 'name="reception_script"' in settings
    script = "— Автоцентр «Север», Анна, здравствуйте!\n— <b>Вы у нас уже были?</b>"
    saved = admin.post("/admin/regulations/", data={**valid, "reception_script": script,
                                                    "version": str(settings_version(session))})
    assert saved.status_code == 302
    panel = login(staff["reception"]).get("/admin/traffic/").get_data(as_text=True)
    block = re.search(r'<section class="card mb-3" id="reception-script">(.*?)</section>', panel, re.S).group(1)
    assert "Автоцентр «Север», Анна, здравствуйте!</p>" in block and "чем я могу помочь" not in block
    assert "&lt;b&gt;Вы у нас уже были?&lt;/b&gt;" in block and "<b>" not in block  # shown as written, escaped

    too_long = admin.post("/admin/regulations/", data={**valid, "reception_script": "x" * 4001,
                                                       "version": str(settings_version(session))})
    assert too_long.status_code == 400
    admin.post("/admin/regulations/", data={**valid, "reception_script": "",
                                            "version": str(settings_version(session))})
    assert 'id="reception-script"' not in login(staff["reception"]).get("/admin/traffic/").get_data(as_text=True)


# ----- point 9: the waiting list alone, for the panel's live refresh


def test_the_waiting_list_is_served_alone_for_the_live_refresh(session, clock, staff, login):
    reception = login(staff["reception"])
    panel = reception.get("/admin/traffic/").get_data(as_text=True)
    assert 'id="open-traffic" data-refresh="/admin/traffic/waiting"' in panel and "js/traffic-panel.js" in panel
    before = reception.get("/admin/traffic/waiting").get_data(as_text=True)
    assert "traffic-row" not in before and "<html" not in before
    row = unknown_call(session, clock, staff)
    after = reception.get("/admin/traffic/waiting")
    text = after.get_data(as_text=True)
    assert after.status_code == 200 and f'data-traffic-id="{row.id}"' in text and row.number in text
    assert f'href="/admin/traffic/{row.id}/new-client"' in text
    assert login().get("/admin/traffic/waiting").status_code in (302, 401, 403)


# ----- point 22: a recording on the intranet


@pytest.mark.parametrize(("url", "status"), [
    ("http://pbx/rec/1.wav", 201), ("http://10.0.0.5:8080/rec/2.wav", 201), ("https://pbx.local/r/3.mp3", 201),
    ("ftp://pbx/rec/1.wav", 400), ("javascript:alert(1)", 400), ("file:///etc/passwd", 400), ("pbx/rec/1.wav", 400),
])
def test_the_webhook_takes_a_recording_on_an_internal_host_but_only_over_http(api, token_for, session, url, status):
    answer = api("POST", "/api/v1/telephony/calls", token_for("call_center"),
                 json={"call_id": f"c-{abs(hash(url))}", "caller": "+7 908 494-44-34", "recording_url": url})
    assert answer.status_code == status, answer.get_json()
    if status == 201:
        assert session.get(Traffic, answer.get_json()["traffic_id"]).recording_url == url
    else:
        assert "recording_url" in answer.get_json()["error"]["fields"]
