import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.service import reset_audit_actor, set_audit_actor
from app.domain.errors import InUse, Protected
from app.domain.ordering import Direction
from app.services import catalogs as service
from catalogs import models as cm


def _names(session, model):
    return [row.name for row in service.visible_rows(session, model)]


def test_pick_lists_show_visible_rows_by_order_then_name(session):
    session.add_all([cm.LossReason(name="Б", sort_order=5), cm.LossReason(name="А", sort_order=5),
                     cm.LossReason(name="Скрытая", sort_order=1, show_in_list=False)])
    session.commit()
    names = _names(session, cm.LossReason)
    assert names[:2] == ["А", "Б"] and "Скрытая" not in names


def test_moving_a_row_up_changes_the_pick_list_order(session):
    rows = service.visible_rows(session, cm.IgnoreReason)
    service.move_row(session, cm.IgnoreReason, rows[1].id, Direction.UP)
    assert _names(session, cm.IgnoreReason)[:2] == [rows[1].name, rows[0].name]


def test_a_predefined_row_cannot_be_deleted(session):
    reason = session.scalar(select(cm.CancellationReason).where(cm.CancellationReason.code == "client_unreachable"))
    session.delete(reason)
    with pytest.raises(Protected):
        session.flush()
    session.rollback()
    assert session.get(cm.CancellationReason, reason.id) is not None


def test_a_row_in_use_cannot_be_deleted_but_can_be_hidden(session):
    template = cm.MessageTemplate(name="Своя", body="{client_name}", channel="sms")
    cadence = cm.Cadence(name="Своя цепочка", trigger="manual",
                         steps=[cm.CadenceStep(action="send_template", template=template)])
    session.add(cadence)
    session.commit()
    session.delete(template)
    with pytest.raises(InUse):
        session.flush()
    session.rollback()
    assert service.set_visibility(session, cm.MessageTemplate, [template.id], False) == 1


def test_an_unused_admin_row_can_be_deleted(session):
    row = cm.LossReason(name="Временная")
    session.add(row)
    session.commit()
    session.delete(row)
    session.commit()
    assert session.get(cm.LossReason, row.id) is None


def test_every_change_is_audited_with_who_and_before_after(session, make_user, clock):
    admin = make_user("admin")
    token = set_audit_actor(admin.id, clock)
    try:
        goal = session.scalar(select(cm.ContactGoal).where(cm.ContactGoal.code == "call_parts"))
        goal.name = "Звонок. Запчасти"
        session.commit()
    finally:
        reset_audit_actor(token)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "contact_goal")
                            .order_by(AuditEntry.id.desc())).first()
    assert entry.actor_id == admin.id and entry.action == "update"
    assert entry.changes["name"] == ["Звонок. Запчасти. Покупка запчастей", "Звонок. Запчасти"]
    assert entry.at == clock.now()
