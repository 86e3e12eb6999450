"""The workstation through the test client, on SQLite and PostgreSQL: search page, card, in-place edits."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from app.messaging.models import OutboxMessage
from clients.models import ClientContact, ClientEvent
from tests import factories as f
from tests.statements import counting_statements


@pytest.fixture
def zubkov(session, clock):
    return f.client(session, clock, "Зубков Алексей", phones=["+7 (908) 4944434"], emails=["zubkov@mail.ru"],
                    inn="500100732259",
                    cars=[{"make_model": "TOYOTA COROLLA", "vin": "NMTBM28E80R058037", "plate": "n123ap"}])


@pytest.fixture
def advisor_client(make_user, login):
    return login(make_user("service_advisor", username="advisor"))


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_search_page_lists_client_and_car_rows(advisor_client, zubkov):
    page = advisor_client.get("/admin/clients/", query_string={"car": "Н123АР"})
    assert page.status_code == 200
    body = text_of(page)
    assert "Зубков Алексей" in body and "+7 908 494-44-34" in body and "NMTBM28E80R058037" in body
    assert "500100732259" in body
    nobody = text_of(advisor_client.get("/admin/clients/?phone=0000"))
    assert "client-row" not in nobody and 'id="no-results"' in nobody


def test_the_first_visit_shows_a_hint_not_the_whole_table(advisor_client, zubkov):
    body = text_of(advisor_client.get("/admin/clients/"))
    assert "client-row" not in body
    assert "Зубков" in text_of(advisor_client.get("/admin/clients/?all=1"))


def test_search_page_statements_do_not_grow_with_the_rows(advisor_client, session, clock):
    advisor_client.get("/admin/clients/")  # the first page after login also shows the unread notifications
    counts = []
    for batch in (2, 12):
        for n in range(batch):
            f.client(session, clock, f"Петров {batch}-{n}", phones=[f"8 900 111-{batch:02d}-{n:02d}"],
                     cars=[{"make_model": "Kia", "plate": f"А{n:03d}КХ{batch:02d}"}])
        with counting_statements(session.get_bind()) as statements:
            page = advisor_client.get("/admin/clients/", query_string={"client": f"петров {batch}-"})
        assert page.status_code == 200 and text_of(page).count("client-row") == batch
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_card_shows_contacts_cars_debt_and_history(advisor_client, zubkov, session, clock):
    f.work_order(session, clock, zubkov, state="done", total="12500.50", paid="2500")
    f.work_order(session, clock, zubkov, state="closed", total="999", paid="0")
    body = text_of(advisor_client.get(f"/admin/clients/{zubkov.id}"))
    assert "zubkov@mail.ru" in body and "TOYOTA COROLLA" in body
    assert re.search(r"10\s000,50 ₽", body)
    assert body.count("timeline-work_order") == 2
    for action in ("booking", "workorder", "repairvisit", "partsreservation"):
        assert f"/admin/{action}/new/?client_id={zubkov.id}" in body
    assert "/admin/worksheet/new/" not in body  # an advisor does not open sales work sheets


def test_a_bad_phone_is_refused_by_the_field_and_kept(advisor_client, zubkov, session):
    phone = zubkov.main_phone
    response = advisor_client.post(f"/admin/clients/{zubkov.id}/contacts/{phone.id}",
                                   data={"value": "8 908 49", "version": phone.version})
    assert response.status_code == 400
    body = text_of(response)
    assert 'value="8 908 49"' in body
    assert re.search(r'id="f-contact-\d+"[^>]*is-invalid', body)
    assert "invalid-feedback" in body
    session.expire_all()
    assert session.get(ClientContact, phone.id).value == "+7 (908) 4944434"


def test_a_phone_is_edited_in_place_and_found_by_its_new_digits(advisor_client, zubkov, session):
    phone = zubkov.main_phone
    response = advisor_client.post(f"/admin/clients/{zubkov.id}/contacts/{phone.id}",
                                   data={"value": "8 (916) 000-11-22", "version": phone.version})
    assert response.status_code == 302
    assert "Зубков" in text_of(advisor_client.get("/admin/clients/?phone=0001122"))
    assert "Зубков" not in text_of(advisor_client.get("/admin/clients/?phone=4944434"))


def test_two_people_editing_one_phone_the_second_is_told(advisor_client, zubkov, session):
    phone = zubkov.main_phone
    shown = phone.version  # both people opened the card at this version
    first = advisor_client.post(f"/admin/clients/{zubkov.id}/contacts/{phone.id}",
                                data={"value": "+7 916 000-11-22", "version": shown})
    second = advisor_client.post(f"/admin/clients/{zubkov.id}/contacts/{phone.id}",
                                 data={"value": "+7 916 999-88-77", "version": shown})
    assert first.status_code == 302 and second.status_code == 409
    assert "только что изменил другой пользователь" in text_of(second)
    session.expire_all()
    assert session.get(ClientContact, phone.id).value == "+7 916 000-11-22"


def test_stale_client_edit_is_refused(advisor_client, zubkov, session):
    data = {"name": "Зубков Алексей Петрович", "kind": "person", "inn": "", "discount_card": "", "note": "",
            "manager_id": "", "version": str(zubkov.version)}
    assert advisor_client.post(f"/admin/clients/{zubkov.id}/edit", data=data).status_code == 302
    again = advisor_client.post(f"/admin/clients/{zubkov.id}/edit", data={**data, "name": "Другое имя"})
    assert again.status_code == 409
    assert 'value="Другое имя"' in text_of(again)


def test_a_duplicate_phone_of_another_client_is_warned_but_saved(advisor_client, zubkov, session, clock):
    other = f.client(session, clock, "Зубкова Мария")
    response = advisor_client.post(f"/admin/clients/{other.id}/contacts",
                                   data={"kind": "phone", "value": "8 908 494-44-34"}, follow_redirects=True)
    assert "Зубков Алексей" in text_of(response)
    assert "alert-warning" in text_of(response)
    same = advisor_client.post(f"/admin/clients/{other.id}/contacts", data={"kind": "phone", "value": "89084944434"})
    assert same.status_code == 400  # the same client twice is an error


def test_register_an_event_then_process_it(advisor_client, zubkov, session):
    bad = advisor_client.post(f"/admin/clients/{zubkov.id}/events", data={"kind": "call_in", "summary": " "})
    assert bad.status_code == 400 and "is-invalid" in text_of(bad)
    advisor_client.post(f"/admin/clients/{zubkov.id}/events", data={"kind": "call_in", "summary": "Спросил о ТО"})
    assert "Зубков" in text_of(advisor_client.get("/admin/clients/?new_events=1"))
    event = session.scalar(select(ClientEvent))
    advisor_client.post(f"/admin/clients/{zubkov.id}/events/{event.id}/done")
    assert "Зубков" not in text_of(advisor_client.get("/admin/clients/?new_events=1"))
    assert "Спросил о ТО" in text_of(advisor_client.get(f"/admin/clients/{zubkov.id}"))


def test_send_a_message_through_the_outbox(advisor_client, zubkov, session, dispatcher):
    from catalogs.models import MessageTemplate

    template = session.scalar(select(MessageTemplate).where(MessageTemplate.channel == "sms"))
    email = next(c for c in zubkov.contacts if c.kind == "email")
    refused = advisor_client.post(f"/admin/clients/{zubkov.id}/message",
                                  data={"template_id": template.id, "contact_id": email.id})
    assert refused.status_code == 400  # an SMS cannot go to an e-mail address
    holes = advisor_client.post(f"/admin/clients/{zubkov.id}/message",  # «Напоминание о визите» needs a visit
                                data={"template_id": template.id, "contact_id": zubkov.main_phone.id})
    assert holes.status_code == 400 and "{visit_at}, {advisor}" in text_of(holes)
    assert session.scalar(select(OutboxMessage)) is None
    template = session.scalar(select(MessageTemplate).where(MessageTemplate.code == "full_ignore"))
    advisor_client.post(f"/admin/clients/{zubkov.id}/message",
                        data={"template_id": template.id, "contact_id": zubkov.main_phone.id})
    message = session.scalar(select(OutboxMessage))
    assert message.client_id == zubkov.id and "Зубков Алексей" in message.body
    assert dispatcher.calls[-1][1:3] == ("tasks.outbox.deliver_message", (message.id,))
    assert "timeline-message" in text_of(advisor_client.get(f"/admin/clients/{zubkov.id}"))


def test_create_a_client_keeps_input_on_error(advisor_client, session):
    bad = advisor_client.post("/admin/clients/new", data={"name": "Орлов Олег", "kind": "person", "phone": "12",
                                                          "car_make_model": "Kia Rio", "car_plate": ""})
    assert bad.status_code == 400
    body = text_of(bad)
    assert 'value="Орлов Олег"' in body and 'value="12"' in body
    assert re.search(r'id="f-phone"[^>]*is-invalid', body) and re.search(r'id="f-car_plate"[^>]*is-invalid', body)
    good = advisor_client.post("/admin/clients/new", data={"name": "Орлов Олег", "kind": "person",
                                                           "phone": "8 999 123-45-67", "car_make_model": "Kia Rio",
                                                           "car_plate": "в777ор77"})
    assert good.status_code == 302
    assert "Орлов Олег" in text_of(advisor_client.get("/admin/clients/?car=B777OP"))


def test_supervisor_reads_the_card_but_cannot_change_it(make_user, login, zubkov):
    boss = login(make_user("supervisor"))
    assert boss.get(f"/admin/clients/{zubkov.id}").status_code == 200
    assert "add-contact" not in text_of(boss.get(f"/admin/clients/{zubkov.id}"))
    assert boss.post(f"/admin/clients/{zubkov.id}/contacts", data={"kind": "phone", "value": "89161112233"}
                     ).status_code == 403


def test_current_call_says_there_is_none(advisor_client):
    answer = advisor_client.get("/admin/clients/current-call").get_json()
    assert answer["phone"] is None and answer["message"]


def test_current_call_is_the_users_latest_unprocessed_call(advisor_client, session, clock, make_user):
    from app.models.user import User
    from traffic.service import register_call, take

    advisor = session.scalar(select(User).where(User.username == "advisor"))
    call, _ = register_call(session, call_id="pbx-1", caller="8 908 494-44-34", clock=clock)
    assert advisor_client.get("/admin/clients/current-call").get_json()["phone"] is None  # not theirs yet
    take(session, call.id, user_id=advisor.id, clock=clock)
    assert advisor_client.get("/admin/clients/current-call").get_json()["phone"] == "8 908 494-44-34"


def test_a_true_race_on_one_contact_has_one_winner(app, zubkov, session):
    """Both saves pass the version check in their own sessions; the database lets only one UPDATE match."""
    from sqlalchemy.orm import Session as OrmSession

    from app.domain.errors import Conflict
    from app.extensions import db
    from clients.service import update_contact

    phone_id, version = zubkov.main_phone.id, zubkov.main_phone.version
    other = OrmSession(db.engine)
    try:
        mine = session.get(ClientContact, phone_id)
        theirs = other.get(ClientContact, phone_id)
        assert mine.version == theirs.version == version
        update_contact(other, phone_id, "+7 916 000-11-22", expected_version=version)
        with pytest.raises(Conflict):
            update_contact(session, phone_id, "+7 916 999-88-77", expected_version=version)
    finally:
        other.close()
    session.expire_all()
    assert session.get(ClientContact, phone_id).value == "+7 916 000-11-22"


def test_contact_edits_are_audited_without_the_search_keys(advisor_client, zubkov, session):
    from app.audit.models import AuditEntry

    phone = zubkov.main_phone
    advisor_client.post(f"/admin/clients/{zubkov.id}/contacts/{phone.id}",
                        data={"value": "+7 916 000-11-22", "version": phone.version})
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "client_contact",
                                                    AuditEntry.action == "update"))
    assert entry is not None and set(entry.changes) == {"value"}
