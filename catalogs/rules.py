"""Pure rules of the catalogs: the automatic appeal-category codes, and what a row of the works catalog must hold."""

from __future__ import annotations

from decimal import Decimal

from app.domain.i18n import N_, Message

# The automatic rules an appeal category can carry (appeals/rules.py says what each one means).
AUTO_RULES = ("call_continuation", "order_status", "repeat_appeal")

MAX_STANDARD_HOURS = Decimal("1000")
MAX_PRICE = Decimal("9999999999.99")  # the column is Numeric(12, 2)


def work_errors(standard_hours: Decimal | None, price: Decimal | None) -> dict[str, Message]:
    errors: dict[str, Message] = {}
    if standard_hours is not None and (not standard_hours.is_finite()
                                       or not Decimal("0") < standard_hours <= MAX_STANDARD_HOURS):
        errors["standard_hours"] = Message(N_("Hours must be above zero and at most 1000."))
    if price is not None and (not price.is_finite() or price < 0):
        errors["price"] = Message(N_("The price cannot be negative."))
    elif price is not None and price > MAX_PRICE:
        errors["price"] = Message(N_("The price is too large (at most 9 999 999 999.99)."))
    return errors
