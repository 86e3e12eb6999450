"""«График»: one day as an hour grid per advisor, a page of advisors at a time, in a constant number of
statements whatever the day holds (a dealer group books thousands of visits a day)."""

from __future__ import annotations

import html
from decimal import Decimal

from app.extensions import db
from app.services.regulations import working_calendar
from app.services.users import set_active
from desk import service
from desk.rules import WorkLine
from tests.factories import MONDAY_NOON, booking_for, msk
from tests.statements import page_statements

TUESDAY = msk(2026, 11, 24, 0, 0).date()


def advisors(make_user, count: int):
    return [make_user("service_advisor", username=f"advisor{n}", full_name=f"Мастер {n:02d}") for n in range(count)]


def grid(session, **given):
    return service.schedule_day(session, TUESDAY, calendar=working_calendar(session, around=TUESDAY), **given)


def test_bookings_stand_in_their_advisors_column_at_their_hour(session, clock, make_user):
    clock.set(MONDAY_NOON)
    first, second, leaving = advisors(make_user, 3)
    at_ten = booking_for(session, clock, msk(2026, 11, 24, 10, 0), advisor_id=first.id, name="Первый Клиент")
    at_two = booking_for(session, clock, msk(2026, 11, 24, 14, 30), advisor_id=second.id, name="Второй Клиент")
    nobodys = booking_for(session, clock, msk(2026, 11, 24, 9, 0), name="Без Мастера")
    departed = booking_for(session, clock, msk(2026, 11, 24, 16, 0), advisor_id=leaving.id, name="Ушедший Мастер")
    set_active(session, leaving.username, False)
    session.commit()

    day = grid(session)
    nobody, one, two = day.columns
    assert [c.name for c in day.columns] == ["", "Мастер 00", "Мастер 01"]
    assert nobody.starting == {9: [nobodys], 16: [departed]}  # nobody's and a departed advisor's, first
    assert one.starting == {10: [at_ten]} and one.busy == {10, 11}  # 10:00–11:30 covers two hours
    assert two.starting == {14: [at_two]} and two.busy == {14, 15}
    calendar = working_calendar(session, around=TUESDAY)
    assert day.hours == list(range(calendar.day_start.hour, calendar.day_end.hour))  # the working day's hours
    assert (day.page, day.pages, day.first, day.last) == (1, 1, 1, 2)


def test_a_page_of_advisors_at_a_time_and_the_filter_by_advisor(session, clock, make_user):
    clock.set(MONDAY_NOON)
    people = advisors(make_user, 5)
    for n, person in enumerate(people):
        booking_for(session, clock, msk(2026, 11, 24, 10 + n, 0), advisor_id=person.id, name=f"Клиент {n}")
    booking_for(session, clock, msk(2026, 11, 24, 9, 0), name="Без Мастера")
    session.commit()

    first = grid(session, per_page=2)
    assert [c.name for c in first.columns] == ["", "Мастер 00", "Мастер 01"] and first.pages == 3
    last = grid(session, per_page=2, page=3)
    assert [c.name for c in last.columns] == ["Мастер 04"] and (last.first, last.last) == (5, 5)
    assert grid(session, per_page=2, page=99).page == 3  # past the last page: the last
    only = grid(session, per_page=2, advisor_id=people[3].id)
    assert [c.name for c in only.columns] == ["Мастер 03"] and only.pages == 1
    assert only.columns[0].starting[13][0].client.name == "Клиент 3"
    unknown = grid(session, per_page=2, advisor_id=10**8)  # no such advisor: no filter
    assert unknown.pages == 3 and unknown.columns[0].name == ""


def test_the_page_costs_the_same_statements_for_two_bookings_as_for_twelve(session, clock, make_user, login,
                                                                           monkeypatch):
    clock.set(MONDAY_NOON)
    people = advisors(make_user, 3)
    browser = login(make_user("service_admin", username="operator"))

    def statements() -> int:
        return page_statements(session, db.engine, browser, f"/admin/desk/schedule?day={TUESDAY.isoformat()}")

    for n in range(2):
        booking_for(session, clock, msk(2026, 11, 24, 10 + n, 0), advisor_id=people[n].id, name=f"Клиент {n}")
    session.commit()
    browser.get("/admin/desk/schedule")  # the first request loads what every request then has
    few = statements()
    for n in range(10):
        booking_for(session, clock, msk(2026, 11, 24, 9 + n, 0), advisor_id=people[2].id, name=f"Ещё {n}",
                    works=[WorkLine("Диагностика", Decimal("0.5"), Decimal("1500"))])
    session.commit()
    more = statements()
    assert more == few <= 12

    monkeypatch.setattr(service, "SCHEDULE_ADVISORS_PER_PAGE", 2)
    page = html.unescape(browser.get(f"/admin/desk/schedule?day={TUESDAY.isoformat()}").get_data(as_text=True))
    assert "Мастера 1–2 из 3" in page and "page=2" in page and 'data-advisor="Мастер 02"' not in page
    page = html.unescape(browser.get(f"/admin/desk/schedule?day={TUESDAY.isoformat()}&page=2").get_data(as_text=True))
    assert 'data-advisor="Мастер 02"' in page and "Ещё 9" in page and "Клиент 0" not in page
    for ignored in ("page=abc", "page=-1", "page=99999999999999", "advisor_id=x", "advisor_id=0"):  # the default page instead
        assert browser.get(f"/admin/desk/schedule?day={TUESDAY.isoformat()}&{ignored}").status_code == 200
    for refused in ("advisor_id=99999999999",):  # the kernel's guard: past any id's range
        assert browser.get(f"/admin/desk/schedule?day={TUESDAY.isoformat()}&{refused}").status_code == 400
