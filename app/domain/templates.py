"""Message templates: which placeholders exist, validating a body, rendering it."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping

from app.domain.i18n import N_, Message

PLACEHOLDERS: tuple[str, ...] = (
    "client_name",
    "visit_at",
    "advisor",
    "dealer_name",
    "dealer_phone",
    "car",
    "manager",
    "meeting_at",
)


def template_placeholders(body: str) -> list[str]:
    """Return the placeholder names used in a body; raises ValueError on broken braces."""
    names = []
    for _literal, field, spec, conversion in string.Formatter().parse(body):
        if field is None:
            continue
        if field == "" or not field.isidentifier():
            raise ValueError(field)
        if spec or conversion:
            raise ValueError(field)
        names.append(field)
    return names


def template_errors(body: str, allowed: tuple[str, ...] = PLACEHOLDERS) -> list[Message]:
    """Problems that would make the template fail at send time, found at save time."""
    try:
        used = template_placeholders(body)
    except ValueError:
        return [Message(N_("Broken placeholder: use {name} and double the braces {{ }} for literal ones."))]
    return [
        Message(N_("Unknown placeholder {%(name)s}. Allowed: %(allowed)s."),
                {"name": name, "allowed": ", ".join("{" + a + "}" for a in allowed)})
        for name in dict.fromkeys(used)
        if name not in allowed
    ]


def render_template_body(body: str, values: Mapping[str, object]) -> str:
    """Fill the placeholders; missing values render empty. Only for texts that are read, not sent (the desk's
    call script, previews): a message to send goes through `unfilled_placeholders` first."""
    names = template_placeholders(body)
    return body.format(**{name: values.get(name, "") for name in names})


def has_value(value: object) -> bool:
    """A placeholder value a message may carry: not missing, not blank."""
    return value is not None and str(value).strip() != ""


def unfilled_placeholders(texts: Iterable[str], values: Mapping[str, object]) -> list[str]:
    """The placeholders the texts use that have no value (missing or blank), in order of first use, once each.
    A message with any of them must not be sent (it would leave with a hole: «записаны на , мастер »)."""
    names: list[str] = []
    for text in texts:
        names.extend(template_placeholders(text or ""))
    return [name for name in dict.fromkeys(names) if not has_value(values.get(name))]


def message_template_errors(channel: str, subject: str, body: str) -> dict[str, list[Message]]:
    """Field → problems of a whole template: placeholders, an e-mail's subject, an empty text."""
    errors: dict[str, list[Message]] = {}
    for field, text in (("subject", subject), ("body", body)):
        problems = template_errors(text)
        if problems:
            errors[field] = problems
    if channel == "email" and not subject.strip():
        errors.setdefault("subject", []).append(Message(N_("An e-mail needs a subject.")))
    if not body.strip():
        errors.setdefault("body", []).append(Message(N_("Enter the text of the message.")))
    return errors
