"""Catalog tables. Every catalog row has a name, visibility, a manual order and maybe a system code."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from sqlalchemy import Boolean, Column, ForeignKey, Integer, Numeric, String, Table, Text, Time
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.extensions import db
from app.messaging.models import MESSAGE_CHANNELS  # noqa: F401 - the template's channels are messaging's
from app.models.user import User

CHANNELS = ("call", "visit")
DEPARTMENTS = ("showroom", "service", "parts", "other")
DOCUMENT_KINDS = ("work_sheet", "pre_booking", "repair_visit", "work_order")
TRANSITIONS = ("service_request",)
STAGE_OUTCOMES = ("open", "won", "lost")
CADENCE_TRIGGERS = ("qualified_no_meeting", "meeting_no_show", "manual")
CADENCE_ACTIONS = ("call_task", "send_template", "set_stage", "close_lost")


class CatalogMixin:
    """Columns and behaviour shared by every catalog."""

    __audited__ = True
    # Fields a predefined row keeps no matter what an admin submits (its system behaviour).
    __locked_when_predefined__: tuple[str, ...] = ()

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    show_in_list: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, index=True)
    predefined: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        # Optimistic locking: an UPDATE from a stale copy matches no row and raises StaleDataError.
        return {"version_id_col": cls.__table__.c.version}

    def __str__(self) -> str:
        return self.name


class AppealCategory(CatalogMixin, db.Model):
    __tablename__ = "appeal_category"
    __locked_when_predefined__ = ("auto_rule", "is_targeted")

    group_name: Mapped[str] = mapped_column(String(100), default="Контакт с клиентом")
    description: Mapped[str] = mapped_column(Text, default="")
    is_targeted: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_rule: Mapped[str | None] = mapped_column(String(32), unique=True)

    outcomes: Mapped[list[AppealOutcome]] = relationship(
        back_populates="category",
        cascade="all, delete-orphan",
        order_by="AppealOutcome.sort_order, AppealOutcome.id",
    )


class AppealOutcome(db.Model):
    __tablename__ = "appeal_outcome"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("appeal_category.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(64))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    transition: Mapped[str | None] = mapped_column(String(32))
    is_refusal: Mapped[bool] = mapped_column(Boolean, default=False)
    predefined: Mapped[bool] = mapped_column(Boolean, default=False)

    category: Mapped[AppealCategory] = relationship(back_populates="outcomes")

    def __str__(self) -> str:
        return self.name


class CancellationReason(CatalogMixin, db.Model):
    __tablename__ = "cancellation_reason"


contact_goal_specialists = Table(
    "contact_goal_specialist",
    db.metadata,
    Column("goal_id", Integer, ForeignKey("contact_goal.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class ContactGoal(CatalogMixin, db.Model):
    __tablename__ = "contact_goal"
    __locked_when_predefined__ = ("channel", "department")

    channel: Mapped[str] = mapped_column(String(16), default="call")
    department: Mapped[str] = mapped_column(String(16), default="other")
    document_kind: Mapped[str | None] = mapped_column(String(32))

    specialists: Mapped[list[User]] = relationship(secondary=contact_goal_specialists, order_by=User.username)


class IgnoreReason(CatalogMixin, db.Model):
    __tablename__ = "ignore_reason"
    __locked_when_predefined__ = ("requires_comment",)

    requires_comment: Mapped[bool] = mapped_column(Boolean, default=False)


class LeadStage(CatalogMixin, db.Model):
    __tablename__ = "lead_stage"
    __locked_when_predefined__ = ("outcome",)

    outcome: Mapped[str] = mapped_column(String(8), default="open")


class LossReason(CatalogMixin, db.Model):
    __tablename__ = "loss_reason"


class MessageTemplate(CatalogMixin, db.Model):
    __tablename__ = "message_template"

    channel: Mapped[str] = mapped_column(String(16), default="whatsapp")
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")


class Cadence(CatalogMixin, db.Model):
    __tablename__ = "cadence"
    __locked_when_predefined__ = ("trigger",)

    description: Mapped[str] = mapped_column(Text, default="")
    trigger: Mapped[str] = mapped_column(String(32), default="manual")
    stop_on_contact: Mapped[bool] = mapped_column(Boolean, default=True)

    steps: Mapped[list[CadenceStep]] = relationship(
        back_populates="cadence",
        cascade="all, delete-orphan",
        order_by="CadenceStep.sort_order, CadenceStep.id",
    )


class CadenceStep(db.Model):
    __tablename__ = "cadence_step"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    cadence_id: Mapped[int] = mapped_column(ForeignKey("cadence.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    day_offset: Mapped[int] = mapped_column(Integer, default=0)
    hour_offset: Mapped[int] = mapped_column(Integer, default=0)
    at_time: Mapped[time | None] = mapped_column(Time)
    action: Mapped[str] = mapped_column(String(16), default="call_task")
    template_id: Mapped[int | None] = mapped_column(ForeignKey("message_template.id", ondelete="RESTRICT"), index=True)
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("lead_stage.id", ondelete="RESTRICT"), index=True)
    loss_reason_id: Mapped[int | None] = mapped_column(ForeignKey("loss_reason.id", ondelete="RESTRICT"), index=True)
    only_if_not_reached: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(300), default="")

    cadence: Mapped[Cadence] = relationship(back_populates="steps")
    template: Mapped[MessageTemplate | None] = relationship()
    stage: Mapped[LeadStage | None] = relationship()
    loss_reason: Mapped[LossReason | None] = relationship()

    def __str__(self) -> str:
        return f"{self.sort_order}: {self.action}"


class Work(CatalogMixin, db.Model):
    __tablename__ = "work"

    standard_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1.00"))
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
