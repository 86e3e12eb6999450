"""Reading and saving the regulation settings (one row)."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.errors import Conflict, fail_on
from app.domain.i18n import N_
from app.domain.regulations import Regulations, regulation_errors

SETTINGS_ID = 1


def _row(session: Session):
    from app.models.regulations import RegulationSettings

    return session.scalar(select(RegulationSettings).where(RegulationSettings.id == SETTINGS_ID))


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
