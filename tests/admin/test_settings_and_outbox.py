"""The regulation settings page and the «send a test message» path into the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.regulations import SCRIPT_FIELDS, Regulations
from app.messaging.models import OutboxMessage
from app.services.regulations import load_regulations, settings_version
from catalogs import models as cm

VALID = {
    "confirmation_window_start": "12:00", "confirmation_window_end": "14:00", "latest_call_time": "20:00",
    "retry_delay_minutes": "60", "max_failed_attempts": "3", "confirmation_horizon_days": "1",
    "working_day_start": "09:00", "working_day_end": "21:00", "working_weekdays": "1,2,3,4,5,6",
    "call_continuation_window_hours": "24", "call_continuation_min_calls": "2",
    "repeat_appeal_lookback_days": "30", "traffic_escalation_minutes": "15", "no_show_grace_minutes": "30",
    "timezone": "Europe/Moscow", "dealer_name": "Автоцентр Север", "dealer_phone": "+7 495 000-00-00",
    **{name: getattr(Regulations(), name) for name in SCRIPT_FIELDS},
}


def _form(session, **changes):
    return {**VALID, "version": str(settings_version(session)), **changes}


def test_the_page_shows_every_seed_number(admin_client):
    page = admin_client.get("/admin/regulations/").get_data(as_text=True)
    for value in ("12:00", "14:00", "20:00", 'value="60"', 'value="3"'):
        assert value in page


def test_a_valid_change_is_saved_and_audited(admin_client, session):
    response = admin_client.post("/admin/regulations/", data=_form(session, retry_delay_minutes="45",
                                                                    max_failed_attempts="4"))
    assert response.status_code == 302
    regs = load_regulations(session)
    assert (regs.retry_delay_minutes, regs.max_failed_attempts) == (45, 4)
    assert "45" in admin_client.get("/admin/audit/").get_data(as_text=True)


@pytest.mark.parametrize(("field", "value"), [
    ("confirmation_window_end", "11:00"),
    ("latest_call_time", "13:30"),
    ("max_failed_attempts", "11"),
    ("max_failed_attempts", "0"),
    ("max_failed_attempts", "три"),
    ("working_weekdays", "1,9"),
    ("timezone", "Moscow"),
    ("retry_delay_minutes", ""),
    ("script_greeting", "Здравствуйте, {client}!"),
])
def test_bad_values_are_refused_by_the_field_and_kept(admin_client, session, field, value):
    response = admin_client.post("/admin/regulations/", data=_form(session, **{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}"' in page and "is-invalid" in page
    assert load_regulations(session).max_failed_attempts == 3


def test_two_admins_saving_at_once_the_second_is_told(admin_client, session):
    stale = _form(session)
    assert admin_client.post("/admin/regulations/", data={**stale, "retry_delay_minutes": "30"}).status_code == 302
    page = admin_client.post("/admin/regulations/", data={**stale, "retry_delay_minutes": "90"},
                             follow_redirects=True).get_data(as_text=True)
    assert "уже сохранил" in page or "Кто-то" in page or "другой" in page
    assert load_regulations(session).retry_delay_minutes == 30


def test_a_test_message_goes_into_the_outbox_and_is_dispatched_after_commit(admin_client, session, dispatcher):
    template = session.scalar(select(cm.MessageTemplate).where(cm.MessageTemplate.code == "visit_reminder"))
    bad = admin_client.post(f"/admin/messagetemplate/send-test/{template.id}/", data={"recipient": "12"})
    assert bad.status_code == 400 and "is-invalid" in bad.get_data(as_text=True)
    assert session.scalar(select(OutboxMessage)) is None
    response = admin_client.post(f"/admin/messagetemplate/send-test/{template.id}/",
                                 data={"recipient": "+7 908 494-44-34"})
    assert response.status_code == 302
    message = session.scalar(select(OutboxMessage))
    assert message.status == "pending" and message.template_code == "visit_reminder"
    assert "Иван Петров" in message.body and "{" not in message.body
    assert dispatcher.calls == [(None, "tasks.outbox.deliver_message", (message.id,), f"outbox-{message.id}")]
