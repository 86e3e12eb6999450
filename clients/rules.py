"""Rules for clients, their contact details and cars (no storage here: plain values in, problems out)."""

from __future__ import annotations

import re

from app.domain.i18n import N_, Message
from app.domain.normalise import is_email, is_phone, vehicle_key

CLIENT_KINDS = ("person", "company")
CONTACT_KINDS = ("phone", "email", "other")
VIN_LENGTH = 17
VIN_FORBIDDEN = set("IOQ")
_INN_WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_WEIGHTS_12_A = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_WEIGHTS_12_B = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_PLATE = re.compile(r"^[0-9A-ZА-Я]{4,12}$")
_INN = re.compile(r"[0-9]{10}|[0-9]{12}")


def _check_digit(number: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(number, weights, strict=False)) % 11 % 10


def inn_is_valid(inn: str) -> bool:
    """Russian taxpayer number: 10 digits (companies) or 12 (persons), with check digits."""
    if not _INN.fullmatch(inn):  # ASCII digits only: "²".isdigit() is true, but int("²") fails
        return False
    if len(inn) == 10:
        return _check_digit(inn, _INN_WEIGHTS_10) == int(inn[9])
    return (_check_digit(inn, _INN_WEIGHTS_12_A) == int(inn[10])
            and _check_digit(inn, _INN_WEIGHTS_12_B) == int(inn[11]))


def client_problems(*, name: str, kind: str, inn: str, contact_person: str = "") -> dict[str, Message]:
    problems: dict[str, Message] = {}
    if not name.strip():
        problems["name"] = Message(N_("Enter the client's name."))
    elif len(name) > 200:
        problems["name"] = Message(N_("The name is too long (at most 200 characters)."))
    if kind not in CLIENT_KINDS:
        problems["kind"] = Message(N_("Choose whether the client is a person or a company."))
    inn = inn.strip()
    if inn and not inn_is_valid(inn):
        problems["inn"] = Message(N_("An INN has 10 digits (company) or 12 digits (person) with valid check digits."))
    if len(contact_person.strip()) > 200:
        problems["contact_person"] = Message(N_("The name is too long (at most 200 characters)."))
    return problems


def contact_problem(kind: str, value: str) -> Message | None:
    value = value.strip()
    if kind not in CONTACT_KINDS:
        return Message(N_("Choose the kind of contact detail."))
    if not value:
        return Message(N_("Enter the contact detail."))
    if len(value) > 200:
        return Message(N_("The contact detail is too long (at most 200 characters)."))
    if kind == "phone" and not is_phone(value):
        return Message(N_("This is not a phone number; enter it like +7 908 494-44-34 or 8 908 494-44-34."))
    if kind == "email" and not is_email(value):
        return Message(N_("This is not an e-mail address; enter it like name@example.ru."))
    return None


def car_problems(*, make_model: str, vin: str, plate: str, year: int | None, this_year: int) -> dict[str, Message]:
    problems: dict[str, Message] = {}
    if not make_model.strip():
        problems["make_model"] = Message(N_("Enter the make and model."))
    vin_key = vehicle_key(vin)
    if vin.strip():
        if len(vin_key) == VIN_LENGTH and VIN_FORBIDDEN & set(vin_key):
            problems["vin"] = Message(N_("A VIN never contains the letters I, O or Q."))
        elif not 5 <= len(vin_key) <= 25:
            problems["vin"] = Message(N_("Enter a 17-character VIN or a body number (5 to 25 letters and digits)."))
    if plate.strip() and not _PLATE.match(vehicle_key(plate)):
        problems["plate"] = Message(N_("Enter the registration plate like А123ВС77."))
    if not vin.strip() and not plate.strip():
        problems["plate"] = Message(N_("Enter the VIN (or body number) or the registration plate."))
    if year is not None and not 1900 <= year <= this_year + 1:
        problems["year"] = Message(N_("The year must be between 1900 and %(max)s."), {"max": this_year + 1})
    return problems
