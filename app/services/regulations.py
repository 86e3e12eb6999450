"""Reading and saving the regulation settings (one row)."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.calendar import WorkingCalendar, russian_holidays
from app.domain.errors import Conflict, fail_on
from app.domain.i18n import N_
from app.domain.regulations import Regulations, regulation_errors

SETTINGS_ID = 1


def _row(session: Session):
    from app.models.regulations import RegulationSettings

    # by its key: a request that reads the regulations several times asks the database once
    return session.get(RegulationSettings, SETTINGS_ID)


def load_regulations(session: Session) -> Regulations:
    """The current settings, or the regulations' defaults before the first save."""
    row = _row(session)
    if row is None:
        return Regulations()
    return Regulations(**{name: getattr(row, name) for name in Regulations.field_names()})


def settings_version(session: Session) -> int:
    row = _row(session)
    return row.version if row is not None else 0


def ensure_regulations(session: Session, defaults: Regulations) -> bool:
    """Create the settings row with defaults if there is none; True when created."""
    from app.models.regulations import RegulationSettings

    if _row(session) is not None:
        return False
    session.add(RegulationSettings(id=SETTINGS_ID, version=1, **asdict(defaults)))
    session.commit()
    return True


def save_regulations(session: Session, changes: dict[str, Any], *, expected_version: int) -> Regulations:
    """Validate the whole set and save it if nobody saved in between (compare-and-set on version)."""
    from app.models.regulations import RegulationSettings

    changes = {name: value.strip() if name in DEALER_FIELDS and isinstance(value, str) else value
               for name, value in changes.items()}
    new = replace(load_regulations(session), **changes)
    fail_on(regulation_errors(new))
    row = _row(session)
    if row is None:
        ensure_regulations(session, Regulations())
        row = _row(session)
    result = session.execute(
        update(RegulationSettings)
        .where(RegulationSettings.id == SETTINGS_ID, RegulationSettings.version == expected_version)
        .values(version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(N_("Someone else has just saved the settings. Reload the page and repeat your change."))
    for name, value in asdict(new).items():
        setattr(row, name, value)
    session.commit()
    return new


DEALER_FIELDS = ("dealer_name", "dealer_phone")


def fill_dealer(session: Session, **values: str | None) -> list[str]:
    """Set the dealership's name and phone (`dealer_name=`, `dealer_phone=`) where they are still empty; an
    admin's value is never overwritten. Returns the names set (committed when any)."""
    regs = load_regulations(session)
    changes = {name: (values.get(name) or "").strip() for name in DEALER_FIELDS
               if not getattr(regs, name).strip() and (values.get(name) or "").strip()}
    if changes:
        ensure_regulations(session, regs)
        save_regulations(session, changes, expected_version=settings_version(session))
    return list(changes)


# ----- the working calendar the settings describe (the desk's confirmation calls, the leads' cadences)


@lru_cache(maxsize=8)
def _holidays(first_year: int, last_year: int) -> frozenset[date]:
    return russian_holidays(range(first_year, last_year + 1))


def working_calendar(session: Session, regs: Regulations | None = None, *, around: date | None = None) -> WorkingCalendar:
    """Working weekdays and hours in the dealership's zone, Russian public holidays around `around`'s year and
    the admin's calendar exceptions (a working Saturday, a day off)."""
    from app.models.calendar import CalendarException

    regs = regs or load_regulations(session)
    year = (around or date.today()).year  # noqa: DTZ011 - only picks which years of holidays to load
    exceptions = session.execute(select(CalendarException.day, CalendarException.working)).all()
    return WorkingCalendar(
        zone=ZoneInfo(regs.timezone), weekdays=regs.weekdays, day_start=regs.working_day_start,
        day_end=regs.working_day_end,
        days_off=_holidays(year - 1, year + 2) | frozenset(day for day, working in exceptions if not working),
        working_days=frozenset(day for day, working in exceptions if working),
    )
