"""The search keys: phones to international digits, plates/VINs to Latin upper case (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.normalise import (
    LOOKALIKES,
    card_key,
    contact_key,
    format_phone,
    name_key,
    phone_key,
    phone_query_keys,
    vehicle_key,
)
from clients.rules import car_problems, client_problems, contact_problem, inn_is_valid

CYRILLIC = "АВЕКМНОРСТУХ"
LATIN = "ABEKMHOPCTYXN"


@pytest.mark.parametrize("raw", ["8 908 494-44-34", "+7 (908) 4944434", "89084944434", "+79084944434",
                                 "7 908 494 44 34", "9084944434"])
def test_every_russian_form_of_one_number_is_one_key(raw):
    assert phone_key(raw) == "79084944434"


def test_partial_numbers_keep_their_digits_and_try_the_domestic_prefix():
    assert phone_key("4434") == "4434"
    assert phone_query_keys("4434") == ["4434"]
    assert phone_query_keys("8 908 49") == ["890849", "790849"]
    assert phone_query_keys("8 908 494-44-34") == ["79084944434", "89084944434"]
    assert phone_query_keys("no digits") == []


def test_foreign_numbers_keep_their_country_code():
    assert phone_key("+49 30 1234567") == "49301234567"
    assert format_phone("89084944434") == "+7 908 494-44-34"
    assert format_phone("не телефон") == "не телефон"


@pytest.mark.parametrize("raw", ["Н123АР", "н123ар", "N123AP", "n123ap", "H123AP", "н 123 ар", "Н-123-АР"])
def test_plate_lookalikes_are_one_key(raw):
    assert vehicle_key(raw) == "N123AP"


def test_vin_and_card_keys():
    assert vehicle_key("nmtbm28e80r058037") == "NMTBM28E80R058037"
    assert card_key(" дк-000 123 ") == "ДK000123"  # Д has no Latin twin and stays Cyrillic


def test_name_key_folds_case_yo_and_spaces():
    assert name_key("  Зубков   Алексей ") == "зубков алексей"
    assert name_key("Семёнов") == name_key("СЕМЕНОВ")
    assert contact_key("email", " Ivanov@Mail.RU ") == "ivanov@mail.ru"


@given(st.text())
def test_keys_never_raise_and_are_idempotent(text):
    for normalise in (vehicle_key, name_key, card_key, phone_key):
        once = normalise(text)
        assert normalise(once) == once


@given(st.text(alphabet=CYRILLIC + LATIN + "0123456789 -", max_size=20))
def test_cyrillic_and_latin_lookalikes_are_equal(text):
    assert vehicle_key(text) == vehicle_key(text.translate(LOOKALIKES))
    assert vehicle_key(text) == vehicle_key(text.lower())


@given(st.text())
def test_phone_query_keys_never_raise(text):
    keys = phone_query_keys(text)
    assert all(key.isdigit() for key in keys)


@pytest.mark.parametrize(("inn", "valid"), [("7712334545", False), ("7707083893", True), ("500100732259", True),
                                           ("500100732250", False), ("12345", False), ("abcdefghij", False)])
def test_inn_check_digits(inn, valid):
    assert inn_is_valid(inn) is valid


def test_client_and_contact_rules():
    assert set(client_problems(name=" ", kind="robot", inn="123")) == {"name", "kind", "inn"}
    assert client_problems(name="ООО Ромашка", kind="company", inn="7707083893") == {}
    assert contact_problem("phone", "8 908 494-44-34") is None
    assert contact_problem("phone", "12-34") is not None
    assert contact_problem("email", "ivanov@mail.ru") is None
    assert contact_problem("email", "ivanov@") is not None
    assert contact_problem("other", "telegram @ivanov") is None


def test_car_rules():
    ok = car_problems(make_model="Toyota Corolla", vin="NMTBM28E80R058037", plate="Н123АР77", year=2018,
                      this_year=2026)
    assert ok == {}
    bad = car_problems(make_model="", vin="NMTBM28E80R05803O", plate="?", year=2030, this_year=2026)
    assert set(bad) == {"make_model", "vin", "plate", "year"}
    assert "plate" in car_problems(make_model="Lada", vin="", plate="", year=None, this_year=2026)
    assert car_problems(make_model="Toyota", vin="NZE121-1234567", plate="", year=None, this_year=2026) == {}
