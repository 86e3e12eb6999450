from datetime import time

from app.domain.ordering import Direction, reorder
from app.domain.recipients import recipient_error
from leads.rules import StepDraft, step_errors


def test_moving_a_row_up_swaps_it_with_the_previous_one():
    assert reorder([7, 3, 9], 3, Direction.UP) == {3: 10, 7: 20, 9: 30}


def test_moving_the_last_row_down_keeps_the_order_and_renumbers():
    assert reorder([7, 3, 9], 9, Direction.DOWN) == {7: 10, 3: 20, 9: 30}


def test_moving_the_first_row_up_changes_nothing():
    assert reorder([1, 2], 1, Direction.UP) == {1: 10, 2: 20}


def _step(**kw):
    base = dict(action="call_task", day_offset=0, hour_offset=0, at_time=None,
                has_template=False, has_stage=False, has_loss_reason=False)
    return StepDraft(**{**base, **kw})


def test_a_call_step_needs_nothing_else():
    assert step_errors(_step()) == {}


def test_each_action_needs_its_target():
    assert set(step_errors(_step(action="send_template"))) == {"template"}
    assert set(step_errors(_step(action="set_stage"))) == {"stage"}
    assert set(step_errors(_step(action="close_lost"))) == {"loss_reason"}


def test_offsets_are_bounded_and_exclusive():
    assert "day_offset" in step_errors(_step(day_offset=-1))
    assert "hour_offset" in step_errors(_step(hour_offset=24))
    assert "at_time" in step_errors(_step(hour_offset=2, at_time=time(10, 0)))


def test_recipients_per_channel():
    assert recipient_error("sms", "+7 (908) 494-44-34") is None
    assert recipient_error("email", "ivan@example.ru") is None
    assert recipient_error("sms", "12-34") is not None
    assert recipient_error("email", "ivan@") is not None
    assert recipient_error("whatsapp", "  ") is not None


def test_works_need_positive_bounded_hours_and_a_non_negative_price():
    from decimal import Decimal

    from catalogs.rules import work_errors

    assert work_errors(Decimal("1.5"), Decimal("0")) == {}
    assert set(work_errors(Decimal("0"), Decimal("-1"))) == {"standard_hours", "price"}
    assert set(work_errors(Decimal("1000.01"), None)) == {"standard_hours"}


def test_an_admin_cannot_lock_themselves_out():
    from app.domain.roles import own_account_problem

    assert own_account_problem(editing_self=True, active=False, role_codes=frozenset({"admin"}))
    assert own_account_problem(editing_self=True, active=True, role_codes=frozenset({"supervisor"}))
    assert own_account_problem(editing_self=True, active=True, role_codes=frozenset({"admin"})) is None
    assert own_account_problem(editing_self=False, active=False, role_codes=frozenset()) is None
