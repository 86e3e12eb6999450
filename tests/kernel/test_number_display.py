"""Numbers as staff read and type them in the Russian UI: the decimal comma, no trailing zeros."""

from decimal import Decimal

import pytest

from app.i18n import format_decimal, format_money


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("1.50"), "1,5"), (Decimal("1500.00"), "1500"), (Decimal("0.25"), "0,25"), (Decimal("2"), "2"),
    (Decimal("0"), "0"), (Decimal("1E+1"), "10"), (3, "3"), (None, ""), ("", ""),
])
def test_hours_and_amounts_drop_trailing_zeros_and_use_the_decimal_comma(value, shown):
    assert format_decimal(value) == shown


def test_money_keeps_two_places_and_groups_thousands():
    assert format_money(Decimal("8000")) == "8\u00a0000,00"
    assert format_money(None) == "0,00"
