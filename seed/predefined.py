"""Idempotent install of the predefined rows: missing rows are added, existing ones left as admins made them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.regulations import Regulations
from app.services.regulations import ensure_regulations, fill_dealer
from app.services.users import ensure_roles
from catalogs import defaults
from catalogs import models as cm


@dataclass
class SeedReport:
    created: int = 0
    existing: int = 0


CATALOG_DEFAULTS = (
    (cm.AppealCategory, defaults.APPEAL_CATEGORIES),
    (cm.CancellationReason, defaults.CANCELLATION_REASONS),
    (cm.ContactGoal, defaults.CONTACT_GOALS),
    (cm.IgnoreReason, defaults.IGNORE_REASONS),
    (cm.LeadStage, defaults.LEAD_STAGES),
    (cm.LossReason, defaults.LOSS_REASONS),
    (cm.MessageTemplate, defaults.MESSAGE_TEMPLATES),
    (cm.Cadence, defaults.CADENCES),
)


def _by_code(session: Session, model, code: str):
    return session.scalar(select(model).where(model.code == code))


def _children(session: Session, model, row: defaults.Row) -> list:
    if model is cm.AppealCategory:
        return [
            cm.AppealOutcome(sort_order=(i + 1) * 10, predefined=True, **{"transition": None, "is_refusal": False, **c})
            for i, c in enumerate(row.children)
        ]
    if model is cm.Cadence:
        steps = []
        for i, spec in enumerate(row.children):
            spec = dict(spec)
            template = _by_code(session, cm.MessageTemplate, spec.pop("template")) if "template" in spec else None
            loss = _by_code(session, cm.LossReason, spec.pop("loss_reason")) if "loss_reason" in spec else None
            steps.append(cm.CadenceStep(sort_order=(i + 1) * 10, template=template, loss_reason=loss, **spec))
        return steps
    return []


def install_predefined(session: Session, *, timezone: str = "Europe/Moscow", dealer_name: str = "",
                       dealer_phone: str = "") -> SeedReport:
    """Add what is missing; never rename, reorder or re-show what an admin changed. The dealership's name and
    phone fill the settings only where they are still empty."""
    report = SeedReport()
    ensure_roles(session)
    for model, rows in CATALOG_DEFAULTS:
        next_order = (session.scalar(select(func.max(model.sort_order))) or 0) + 10
        for row in rows:
            existing = _by_code(session, model, row.code)
            if existing is not None:
                report.existing += 1
                # The system behaviour of a predefined row is restored; its name, order and visibility are not.
                for name in model.__locked_when_predefined__:
                    if name in row.attrs and getattr(existing, name) != row.attrs[name]:
                        setattr(existing, name, row.attrs[name])
                existing.predefined = True
                continue
            obj = model(code=row.code, name=row.name, predefined=True, show_in_list=True, sort_order=next_order,
                        version=1, **row.attrs)
            next_order += 10
            session.add(obj)
            session.flush()
            children = _children(session, model, row)
            if children:
                getattr(obj, "outcomes" if model is cm.AppealCategory else "steps").extend(children)
            report.created += 1
        session.flush()
    if ensure_regulations(session, replace(Regulations(), timezone=timezone)):
        report.created += 1
    else:
        report.existing += 1
    session.commit()
    fill_dealer(session, dealer_name=dealer_name, dealer_phone=dealer_phone)
    return report
