"""Messages never leave with holes (issue 13, point 18): a template whose placeholder has no value is refused with
the placeholder named, and no outbox row is made — on the client card, in the admin's test send; the dealership's
name and phone are settings."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.errors import ValidationFailed
from app.domain.templates import unfilled_placeholders
from app.messaging.models import OutboxMessage
from app.messaging.service import render_message
from app.services.regulations import load_regulations, save_regulations, settings_version
from catalogs.models import MessageTemplate
from clients.messages import send_client_message
from tests import factories as f


def set_settings(session, **changes):
    save_regulations(session, changes, expected_version=settings_version(session))


def outbox_count(session):
    return session.scalar(select(func.count()).select_from(OutboxMessage))


def template(session, code):
    return session.scalar(select(MessageTemplate).where(MessageTemplate.code == code))


@pytest.mark.parametrize(("values", "unfilled"), [
    ({"client_name": "Иван", "visit_at": "24.11 10:00"}, []),
    ({"client_name": "Иван"}, ["visit_at"]),  # missing
    ({"client_name": "Иван", "visit_at": None}, ["visit_at"]),  # None
    ({"client_name": "  ", "visit_at": ""}, ["client_name", "visit_at"]),  # blank
    ({"client_name": 0, "visit_at": "x"}, []),  # a zero is a value
])
def test_unfilled_placeholders_are_the_used_ones_without_a_value(values, unfilled):
    assert unfilled_placeholders(["{client_name}, ждём вас {visit_at}. {client_name}!"], values) == unfilled


def test_the_subject_counts_and_each_placeholder_is_named_once_in_order_of_use():
    texts = ["Визит {visit_at}", "{advisor} ждёт вас {visit_at}, {{не поле}}"]
    assert unfilled_placeholders(texts, {}) == ["visit_at", "advisor"]


class FakeTemplate:
    def __init__(self, body, subject=""):
        self.name, self.body, self.subject = "Напоминание", body, subject


def test_render_message_refuses_naming_the_placeholders_and_says_where_dealer_values_are_set():
    with pytest.raises(ValidationFailed) as hole:
        render_message(FakeTemplate("{client_name}: {visit_at}, {advisor}"), {"client_name": "Иван"})
    assert hole.value.params["unfilled"] == ["visit_at", "advisor"]
    assert hole.value.params["placeholders"] == "{visit_at}, {advisor}"
    assert set(hole.value.fields) == {"template_id"} and "settings" not in hole.value.message
    with pytest.raises(ValidationFailed) as dealer:
        render_message(FakeTemplate("Тел. {dealer_phone}"), {"dealer_phone": ""}, field="recipient")
    assert set(dealer.value.fields) == {"recipient"} and "settings page" in dealer.value.message
    rendered = render_message(FakeTemplate("{client_name}", subject="Для {client_name}"), {"client_name": "Иван"})
    assert (rendered.subject, rendered.body) == ("Для Иван", "Иван")


@pytest.fixture
def zubkov(session, clock):
    return f.client(session, clock, "Зубков Алексей", phones=["+7 908 494-44-34"])


@pytest.mark.parametrize("setting", ["dealer_phone", "dealer_name"])
def test_client_card_send_waits_for_the_dealer_setting(session, clock, zubkov, setting):
    full_ignore = template(session, "full_ignore")  # {client_name} … {dealer_phone}. {dealer_name}
    set_settings(session, **{setting: ""})
    with pytest.raises(ValidationFailed) as refused:
        send_client_message(session, zubkov.id, template_id=full_ignore.id, contact_id=zubkov.main_phone.id,
                            actor_id=None, clock=clock)
    assert refused.value.params["unfilled"] == [setting] and set(refused.value.fields) == {"template_id"}
    session.rollback()
    assert outbox_count(session) == 0
    set_settings(session, **{setting: "Север" if setting == "dealer_name" else "+7 495 111-22-33"})
    message = send_client_message(session, zubkov.id, template_id=full_ignore.id, contact_id=zubkov.main_phone.id,
                                  actor_id=None, clock=clock)
    assert ("Север" if setting == "dealer_name" else "+7 495 111-22-33") in message.body
    assert outbox_count(session) == 1


def test_a_blank_setting_is_saved_empty_and_counts_as_missing(session, clock, zubkov):
    set_settings(session, dealer_phone="   ")
    assert load_regulations(session).dealer_phone == ""
    with pytest.raises(ValidationFailed):
        send_client_message(session, zubkov.id, template_id=template(session, "full_ignore").id,
                            contact_id=zubkov.main_phone.id, actor_id=None, clock=clock)


def test_the_card_page_tells_the_sender_which_placeholder_and_makes_no_row(session, clock, zubkov, login, make_user):
    sender = make_user("service_advisor")
    sender.locale = "en"
    session.commit()
    browser = login(sender)
    reminder = template(session, "visit_reminder")  # {visit_at} and {advisor}: no visit on the client card
    page = browser.post(f"/admin/clients/{zubkov.id}/message",
                        data={"template_id": reminder.id, "contact_id": zubkov.main_phone.id})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "no value for {visit_at}, {advisor}" in text
    assert outbox_count(session) == 0


def test_the_admins_test_send_refuses_while_the_dealer_phone_is_empty(session, admin_client):
    reminder = template(session, "visit_reminder")
    set_settings(session, dealer_phone="")
    refused = admin_client.post(f"/admin/messagetemplate/send-test/{reminder.id}/",
                                data={"recipient": "+7 908 494-44-34"})
    assert refused.status_code == 400 and "{dealer_phone}" in refused.get_data(as_text=True)
    assert outbox_count(session) == 0
    set_settings(session, dealer_phone="+7 495 000-00-00")
    sent = admin_client.post(f"/admin/messagetemplate/send-test/{reminder.id}/",
                             data={"recipient": "+7 908 494-44-34"})
    assert sent.status_code == 302 and outbox_count(session) == 1
