"""One active-staff query behind every employee picker and every «tell all X» notification."""

from app.domain.roles import Role
from app.services.users import active_staff, active_staff_ids, set_active


def test_active_staff_by_role_skips_the_disabled_and_sorts_by_name(session, make_user):
    boris = make_user(Role.SERVICE_ADVISOR, username="boris", full_name="Борисов Борис")
    anna = make_user(Role.SERVICE_ADVISOR, Role.SERVICE_ADMIN, username="anna", full_name="Антонова Анна")
    gone = make_user(Role.SERVICE_ADVISOR, username="gone", full_name="Алексеев Алексей")
    caller = make_user(Role.CALL_CENTER, username="caller", full_name="Вахрушев Виктор")
    set_active(session, "gone", False)
    session.commit()

    assert active_staff(session, Role.SERVICE_ADVISOR) == [anna, boris]
    assert active_staff(session, Role.SERVICE_ADVISOR, Role.CALL_CENTER) == [anna, boris, caller]
    assert gone not in active_staff(session)
    assert set(active_staff(session)) >= {anna, boris, caller}


def test_active_staff_ids_are_each_user_once_even_with_several_matching_roles(session, make_user):
    both = make_user(Role.SERVICE_ADVISOR, Role.SERVICE_ADMIN)
    admin = make_user(Role.SERVICE_ADMIN)
    session.commit()
    assert active_staff_ids(session, Role.SERVICE_ADVISOR, Role.SERVICE_ADMIN) == sorted([both.id, admin.id])
    assert active_staff_ids(session, Role.SUPERVISOR) == []
