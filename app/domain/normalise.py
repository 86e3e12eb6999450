"""Search keys, computed once at write time: phones to digits, plates and VINs to Latin upper case.

Every function here accepts any string, never raises, and is idempotent on its own output, so a key
can be recomputed from a key (hypothesis checks both in tests/kernel/test_normalise.py).
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

# Cyrillic letters that look like Latin ones on a registration plate (ГОСТ Р 50577: А В Е К М Н О Р С Т У Х)
# map to their Latin twins. Н is typed both by its look (H) and by its sound (N): `n123ap` is how staff
# often type `Н123АР`, so H and N are one letter in the key.
LOOKALIKES = str.maketrans("АВЕКМНОРСТУХH", "ABEKMNOPCTYXN")
_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_REGION = "RU"


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def vehicle_key(text: str) -> str:
    """A VIN, body number or plate as one search key: `н123ар 77` → `H123AP77`."""
    return _NOT_ALNUM.sub("", _clean(text).upper().translate(LOOKALIKES))


def name_key(text: str) -> str:
    """A client's name (or a query for it): case-folded, ё = е, single spaces."""
    folded = _clean(text).casefold().replace("ё", "е")
    return _SPACES.sub(" ", folded).strip()


def card_key(text: str) -> str:
    """A discount-card number: the same key as a plate (cards are printed in either alphabet)."""
    return vehicle_key(text)


def digits(text: str) -> str:
    return _NON_DIGITS.sub("", _clean(text))


def phone_key(text: str) -> str:
    """A phone number as digits in international form: `8 908 494-44-34` and `+7 (908) 4944434`
    both become `79084944434`. Anything that is not a recognisable number keeps just its digits."""
    only_digits = digits(text)
    if len(only_digits) < 10:
        return only_digits
    candidate = _clean(text)
    if len(only_digits) == 10 and not candidate.lstrip().startswith("+"):
        candidate = "8" + only_digits  # a bare Russian 10-digit number
    try:
        number = phonenumbers.parse(candidate, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return only_digits
    if not phonenumbers.is_possible_number(number):
        return only_digits
    return f"{number.country_code}{number.national_number}"


def phone_query_keys(text: str) -> list[str]:
    """What a (possibly partial) phone query may look like inside a stored key.

    A full number is normalised like a stored one; a partial one typed the Russian domestic way
    (`8908…`) is also tried as `7908…`.
    """
    only_digits = digits(text)
    if not only_digits:
        return []
    full = phone_key(text)
    keys = [full]
    if only_digits != full:
        keys.append(only_digits)
    if only_digits.startswith("8") and len(only_digits) > 1:
        keys.append("7" + only_digits[1:])
    return list(dict.fromkeys(keys))


def contact_key(kind: str, value: str) -> str:
    """The search key of one contact detail: phones as digits, anything else case-folded."""
    if kind == "phone":
        return phone_key(value)
    return name_key(value)


def format_phone(text: str) -> str:
    """A phone for display (`+7 908 494-44-34`); unrecognisable input is shown as typed."""
    try:
        number = phonenumbers.parse(_clean(text), PHONE_REGION)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def is_phone(text: str) -> bool:
    try:
        number = phonenumbers.parse(_clean(text), PHONE_REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(number) and len(digits(text)) >= 10


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(_clean(text).strip()))
