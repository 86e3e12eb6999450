"""Search and filters of the clients workstation, on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clients.search import ClientQuery, search_clients
from clients.service import register_event
from tests import factories as f
from tests.statements import counting_statements

DAY = (datetime(2026, 11, 23, 0, 0, tzinfo=UTC), datetime(2026, 11, 24, 0, 0, tzinfo=UTC))


@pytest.fixture
def people(session, clock):
    zubkov = f.client(session, clock, "Зубков Алексей", phones=["+7 (908) 4944434"], emails=["zubkov@mail.ru"],
                      inn="500100732259", discount_card="DK-1001",
                      cars=[{"make_model": "TOYOTA COROLLA", "vin": "NMTBM28E80R058037", "plate": "n123ap"}])
    ivanov = f.client(session, clock, "Иванов Иван", phones=["+7 (945) 1231010"], emails=["ivanov@mail.ru"],
                      cars=[{"make_model": "Kia Rio", "plate": "А777ВС77"},
                            {"make_model": "Lada Vesta", "vin": "XTAGFK330JY123456", "plate": "О100_%77"}])
    stroganov = f.client(session, clock, 'ИЧП "Строганов НИ"', kind="company", inn="7707083893",
                         phones=["8 916 854-56-78"])
    semenov = f.client(session, clock, "Семёнов Пётр 100%", phones=["8 909 909-09-09"])
    return {"zubkov": zubkov, "ivanov": ivanov, "stroganov": stroganov, "semenov": semenov}


def names(session, **query) -> list[str]:
    user_id = query.pop("user_id", None)
    page = search_clients(session, ClientQuery(**query), user_id=user_id, day=DAY)
    return [row.client.name for row in page.rows]


@pytest.mark.parametrize("phone", ["8 908 494-44-34", "+7 (908) 4944434", "89084944434", "4944434", "4434",
                                   "908 494"])
def test_phone_in_any_form_finds_the_client(session, people, phone):
    assert names(session, phone=phone) == ["Зубков Алексей"]


def test_phone_field_also_searches_e_mails(session, people):
    assert names(session, phone="IVANOV@mail") == ["Иванов Иван"]
    assert names(session, phone="mail.ru") == ["Зубков Алексей", "Иванов Иван"]


@pytest.mark.parametrize("car", ["Н123АР", "н123ар", "N123AP", "n123ap", "123а", "R058037", "nmtbm28"])
def test_plate_and_vin_in_either_alphabet(session, people, car):
    assert names(session, car=car) == ["Зубков Алексей"]


def test_client_field_matches_name_or_discount_card(session, people):
    assert names(session, client="ЗУБК") == ["Зубков Алексей"]
    assert names(session, client="дк-1001") == []  # Д is not a look-alike: the card is DK-1001
    assert names(session, client="dk1001") == ["Зубков Алексей"]
    assert names(session, client="семенов") == ["Семёнов Пётр 100%"]
    assert names(session, client="строганов ни") == ['ИЧП "Строганов НИ"']


def test_short_input_is_a_prefix_search(session, people):
    assert names(session, client="ив") == ["Иванов Иван"]
    assert names(session, client="ан") == []  # inside a word: needs three characters
    assert names(session, car="a7") == ["Иванов Иван"]


def test_percent_underscore_and_backslash_are_literal(session, people):
    assert names(session, client="р 100%") == ["Семёнов Пётр 100%"]
    assert names(session, client="1 100%") == []
    assert names(session, client="%") == []
    assert names(session, client="_") == []
    assert names(session, client="\\") == []
    # plates and VINs ignore punctuation on both sides, so `_%` is simply dropped
    assert names(session, car="o100_%") == ["Иванов Иван"]
    assert names(session, car="%_") == []


def test_fields_combine(session, people):
    assert names(session, client="иванов", phone="1010", car="a777") == ["Иванов Иван"]
    assert names(session, client="иванов", phone="4434") == []


def test_only_matching_cars_are_listed_when_a_car_is_sought(session, people):
    page = search_clients(session, ClientQuery(car="XTAGFK"), user_id=None, day=DAY)
    assert [[car.make_model for car in row.cars] for row in page.rows] == [["Lada Vesta"]]
    page = search_clients(session, ClientQuery(client="иванов"), user_id=None, day=DAY)
    assert [car.make_model for car in page.rows[0].cars] == ["Kia Rio", "Lada Vesta"]


def test_edits_are_searchable_at_once(session, people, clock):
    car = people["zubkov"].cars[0]
    car.plate = "Е001КХ199"
    session.commit()
    assert names(session, car="n123ap") == []
    assert names(session, car="e001kx") == ["Зубков Алексей"]
    session.delete(people["semenov"])
    session.commit()
    assert names(session, phone="909 909") == []


def test_filters(session, people, clock, make_user):
    me = make_user("service_advisor")
    z, i, s, sem = people["zubkov"], people["ivanov"], people["stroganov"], people["semenov"]
    f.work_order(session, clock, z, state="in_progress", manager_id=me.id)
    f.work_order(session, clock, i, state="done")
    f.work_order(session, clock, s, state="closed")
    f.reservation(session, clock, s)
    f.reservation(session, clock, sem, status="issued")
    f.booking(session, clock, i, start=DAY[0] + timedelta(hours=10))
    f.booking(session, clock, sem, start=DAY[1] + timedelta(hours=10))  # tomorrow
    f.booking(session, clock, s, start=DAY[0] + timedelta(hours=12), status="cancelled")
    register_event(session, sem.id, kind="call_in", summary="Просил перезвонить", actor_id=None,
                   responsible_id=None, clock=clock)
    register_event(session, s.id, kind="visit", summary="Заходил", actor_id=None, responsible_id=None, clock=clock,
                   done=True)

    assert names(session, open_orders=True) == ["Зубков Алексей", "Иванов Иван"]
    assert names(session, on_service=True) == ["Зубков Алексей"]
    assert names(session, awaiting_pickup=True) == ["Иванов Иван"]
    assert names(session, reserved_goods=True) == ['ИЧП "Строганов НИ"']
    assert names(session, booked_today=True) == ["Иванов Иван"]
    assert names(session, new_events=True) == ["Семёнов Пётр 100%"]
    assert names(session, only_mine=True, user_id=me.id) == ["Зубков Алексей"]
    assert names(session, only_mine=True, user_id=None) == []
    assert names(session, open_orders=True, phone="1010") == ["Иванов Иван"]
    assert names(session, open_orders=True, awaiting_pickup=True, client="зубков") == []


def test_pages_follow_the_name_order_without_counting(session, people):
    first = search_clients(session, ClientQuery(), user_id=None, day=DAY, limit=3)
    assert [r.client.name for r in first.rows] == ["Зубков Алексей", "Иванов Иван", 'ИЧП "Строганов НИ"']
    second = search_clients(session, ClientQuery(), user_id=None, day=DAY, limit=3, cursor=first.next_cursor)
    assert [r.client.name for r in second.rows] == ["Семёнов Пётр 100%"]
    assert second.next_cursor is None
    with pytest.raises(ValueError, match="cursor"):
        search_clients(session, ClientQuery(), user_id=None, day=DAY, cursor="not-a-cursor")


def test_a_page_costs_the_same_statements_whatever_its_size(session, clock, app):
    for n in range(30):
        f.client(session, clock, f"Клиент {n:02d}", phones=[f"8 900 000-00-{n:02d}"], emails=[f"c{n}@x.ru"],
                 cars=[{"make_model": "Kia", "plate": f"А{n:03d}ВС77"}, {"make_model": "Lada", "plate": f"В{n:03d}ВС77"}])
    counts = {}
    for size in (5, 25):
        session.expire_all()
        with counting_statements(session.get_bind()) as statements:
            page = search_clients(session, ClientQuery(client="клиент"), user_id=None, day=DAY, limit=size)
            for row in page.rows:
                _ = [c.display for c in row.client.contacts], [c.plate for c in row.cars]
        counts[size] = len(statements)
    assert counts[5] == counts[25] <= 3
