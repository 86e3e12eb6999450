"""«Подтверждение визита»: a page of the day's list at a time, those to call first, by advisor or state, in
the same statements whatever the day holds (a dealer group books thousands of visits a day)."""

from __future__ import annotations

import html

from app.extensions import db
from app.services.regulations import working_calendar
from desk import service
from tests.desk.test_schedule import TUESDAY, advisors
from tests.factories import MONDAY_NOON, booking_for, msk
from tests.statements import page_statements


def listing(session, **given):
    return service.desk_page(session, TUESDAY, calendar=working_calendar(session, around=TUESDAY), **given)


def test_pages_of_the_list_with_the_advisor_and_state_filters(session, clock, make_user):
    clock.set(MONDAY_NOON)
    first, second = advisors(make_user, 2)
    rows = [booking_for(session, clock, msk(2026, 11, 24, 9 + n, 0), name=f"Клиент {n}",
                        advisor_id=(first if n % 2 else second).id) for n in range(5)]
    rows[0].confirmation_state = "confirmed"  # nothing to call: after every booking still to call
    session.commit()

    page = listing(session, per_page=2)
    assert (page.total, page.pages, page.first, page.last) == (5, 3, 1, 2)
    assert rows[0] not in page.bookings and [a[1] for a in page.advisors] == ["Мастер 00", "Мастер 01"]
    last = listing(session, per_page=2, page=3)
    assert last.bookings == [rows[0]] and (last.first, last.last) == (5, 5)
    assert listing(session, per_page=2, page=99).page == 3  # past the last page: the last
    mine = listing(session, advisor_id=first.id)
    assert {b.id for b in mine.bookings} == {rows[1].id, rows[3].id} and mine.advisor_id == first.id
    done = listing(session, state="confirmed")
    assert done.bookings == [rows[0]] and done.total == 1
    anything = listing(session, advisor_id=10**8, state="<script>")  # unknown: no filter
    assert anything.total == 5 and anything.advisor_id is None and anything.state is None
    empty = service.desk_page(session, TUESDAY.replace(day=25), calendar=working_calendar(session, around=TUESDAY))
    assert (empty.total, empty.pages, empty.first, empty.last, empty.bookings) == (0, 1, 0, 0, [])


def test_the_page_costs_the_same_statements_for_two_bookings_as_for_twelve(session, clock, make_user, login,
                                                                           monkeypatch):
    clock.set(MONDAY_NOON)
    people = advisors(make_user, 2)
    browser = login(make_user("service_admin", username="operator"))
    day = TUESDAY.isoformat()

    def statements() -> int:
        return page_statements(session, db.engine, browser, f"/admin/desk/?day={day}")

    for n in range(2):
        booking_for(session, clock, msk(2026, 11, 24, 10 + n, 0), advisor_id=people[n].id, name=f"Клиент {n}")
    session.commit()
    browser.get("/admin/desk/")
    few = statements()
    for n in range(10):
        booking_for(session, clock, msk(2026, 11, 24, 9 + n, 0), name=f"Ещё {n}")
    session.commit()
    assert statements() == few <= 12

    monkeypatch.setattr(service, "DESK_ROWS_PER_PAGE", 5)
    page = html.unescape(browser.get(f"/admin/desk/?day={day}").get_data(as_text=True))
    assert "Записи 1–5 из 12" in page and "page=2" in page
    last = html.unescape(browser.get(f"/admin/desk/?day={day}&page=3").get_data(as_text=True))
    assert "Записи 11–12 из 12" in last
    mine = html.unescape(browser.get(f"/admin/desk/?day={day}&advisor_id={people[1].id}").get_data(as_text=True))
    assert "Клиент 1" in mine and "Клиент 0" not in mine and f"advisor_id={people[1].id}" in mine  # the refresh too
    refreshed = browser.get(f"/admin/desk/rows?day={day}&advisor_id={people[0].id}").get_json()["html"]
    assert "Клиент 0" in refreshed and "Клиент 1" not in refreshed
    for ignored in ("page=abc", "page=-1", "page=99999999999999", "advisor_id=x", "state=" + "x" * 500):
        assert browser.get(f"/admin/desk/?day={day}&{ignored}").status_code == 200
    assert browser.get(f"/admin/desk/?day={day}&state=%00").status_code == 400  # NUL: refused, as everywhere
