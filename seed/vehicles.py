"""Realistic-looking Russian cars, plates, VINs and phones for demo and benchmark data."""

from __future__ import annotations

import random

PLATE_LETTERS = "АВЕКМНОРСТУХ"
REGIONS = ("77", "97", "99", "177", "197", "199", "777", "50", "150", "750", "78", "98", "178", "16", "116", "66")
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
               **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# (world manufacturer identifier, make and model) of cars common at Russian dealers
MODELS = (
    ("XTA", "LADA Vesta"), ("XTA", "LADA Granta"), ("XTA", "LADA Niva Travel"), ("Z94", "Kia Rio"),
    ("Z94", "Hyundai Solaris"), ("XW8", "Volkswagen Polo"), ("XW8", "Skoda Rapid"), ("VF1", "Renault Logan"),
    ("X7L", "Renault Duster"), ("JTD", "Toyota Corolla"), ("XW7", "Toyota Camry"), ("JTM", "Toyota RAV4"),
    ("Z8N", "Nissan Qashqai"), ("WVW", "Volkswagen Tiguan"), ("LVV", "Chery Tiggo 7 Pro"),
    ("LB3", "Geely Coolray"), ("LGW", "Haval Jolion"), ("XWE", "Kia Sportage"), ("KMH", "Hyundai Creta"),
    ("WBA", "BMW X5"), ("WDD", "Mercedes-Benz E 200"), ("JMZ", "Mazda CX-5"),
)


def vin(rng: random.Random, wmi: str) -> str:
    """A 17-character VIN with a valid check digit (position 9)."""
    body = list(wmi + "".join(rng.choice(VIN_ALPHABET) for _ in range(14)))
    body[8] = "0"
    total = sum(_VIN_VALUES[ch] * weight for ch, weight in zip(body, _VIN_WEIGHTS, strict=True))
    body[8] = "X" if total % 11 == 10 else str(total % 11)
    return "".join(body)


def plate(rng: random.Random) -> str:
    """А123ВС77: letter, three digits, two letters, region (Cyrillic, as printed)."""
    letters = [rng.choice(PLATE_LETTERS) for _ in range(3)]
    return f"{letters[0]}{rng.randint(1, 999):03d}{letters[1]}{letters[2]}{rng.choice(REGIONS)}"


def mobile(rng: random.Random) -> str:
    code = rng.choice(("903", "905", "909", "915", "916", "925", "926", "977", "985", "999", "908", "945"))
    number = f"{rng.randint(0, 9999999):07d}"
    return f"+7 ({code}) {number[:3]}-{number[3:5]}-{number[5:]}"


def car(rng: random.Random, this_year: int) -> dict:
    wmi, model = rng.choice(MODELS)
    return {"make_model": model, "vin": vin(rng, wmi), "plate": plate(rng),
            "year": rng.randint(this_year - 15, this_year)}
