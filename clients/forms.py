"""The new-client form (templates/clients/new.html and the traffic's «Новый клиент») read into a draft, and
the service's field errors keyed back to that form's field names."""

from __future__ import annotations

from collections.abc import Mapping

from app.admin.base import field_messages
from app.domain.errors import DomainError
from clients.service import CarDraft, ClientDraft


def car_draft(values: Mapping[str, str], prefix: str = "") -> CarDraft:
    """A car from `<prefix>make_model`, `vin`, `plate`, `year`; a year that is not a number is -1 (refused)."""
    year = values.get(prefix + "year", "").strip()
    return CarDraft(make_model=values.get(prefix + "make_model", ""), vin=values.get(prefix + "vin", ""),
                    plate=values.get(prefix + "plate", ""),
                    year=int(year) if year.isdigit() else (-1 if year else None))


def client_draft(values: Mapping[str, str], *, manager_id: int | None) -> ClientDraft:
    """One phone, one e-mail and one car at most, as the form has them; empty ones are left out."""
    return ClientDraft(
        name=values.get("name", ""), kind=values.get("kind", "person"), inn=values.get("inn", ""),
        discount_card=values.get("discount_card", ""), note=values.get("note", ""),
        contact_person=values.get("contact_person", ""), manager_id=manager_id,
        phones=[values["phone"]] if values.get("phone", "").strip() else [],
        emails=[values["email"]] if values.get("email", "").strip() else [],
        cars=[car_draft(values, "car_")] if values.get("car_make_model", "").strip() else [],
    )


def form_errors(exc: DomainError) -> dict[str, str]:
    """The draft's field paths (`phones.0`, `cars.0.vin`) as the form's names (`phone`, `car_vin`)."""
    return {key.replace("phones.0", "phone").replace("emails.0", "email").replace("cars.0.", "car_"): message
            for key, message in field_messages(exc).items()}
