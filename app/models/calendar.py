"""The working calendar's exceptions to weekdays and public holidays."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class CalendarException(db.Model):
    """A day the admin marks as a day off or as a working day, over the weekdays and public holidays."""

    __tablename__ = "calendar_exception"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    working: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(200), default="")

    def __str__(self) -> str:
        return self.day.isoformat()
