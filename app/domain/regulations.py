"""Regulation settings: every number of the dealership's regulations, and their consistency rules."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain.i18n import N_, Message
from app.domain.templates import template_errors

# The reception's dialogue of seed 001 (an incoming call or a walk-in), the default of `reception_script`.
RECEPTION_SCRIPT = (
    "— Добрый день, чем я могу помочь?\n"
    "— Как я могу к Вам обращаться?\n"
    "— Вы ранее у нас обслуживались?\n"
    "— Какая марка автомобиля Вас интересует? / А что у Вас за вопрос?\n"
    "— Перевожу Вас на специалиста, который поможет Вам по данному вопросу.\n"
    "— Если специалист занят: «Присаживайтесь, пожалуйста, специалист подойдёт к Вам, как только освободится»."
)
RECEPTION_SCRIPT_LIMIT = 4000


@dataclass(frozen=True)
class Regulations:
    confirmation_window_start: time = time(12, 0)
    confirmation_window_end: time = time(14, 0)
    retry_delay_minutes: int = 60
    latest_call_time: time = time(20, 0)
    max_failed_attempts: int = 3
    confirmation_horizon_days: int = 1
    working_day_start: time = time(9, 0)
    working_day_end: time = time(21, 0)
    working_weekdays: str = "1,2,3,4,5,6"
    call_continuation_window_hours: int = 24
    call_continuation_min_calls: int = 2
    repeat_appeal_lookback_days: int = 30
    traffic_escalation_minutes: int = 15
    no_show_grace_minutes: int = 30
    timezone: str = "Europe/Moscow"
    # Empty until the first `flask seed predefined` or the admin fills them in (the admin home lists them as
    # missing); a message using {dealer_name} or {dealer_phone} is not sent while they are empty.
    dealer_name: str = ""
    dealer_phone: str = ""
    script_greeting: str = ("Здравствуйте, {client_name}! Вас беспокоит {dealer_name}, отдел сервиса. "
                            "Вам удобно сейчас разговаривать?")
    script_purpose: str = ("Звоню напомнить, что вы записаны на сервис {visit_at}, автомобиль {car}, "
                           "мастер-консультант {advisor}. Ваши планы не изменились?")
    script_documents: str = ("Пожалуйста, возьмите с собой паспорт, свидетельство о регистрации автомобиля (СТС), "
                             "сервисную книжку и все комплекты ключей.")
    script_handover: str = ("Приём автомобиля в сервис займёт около 20 минут — пожалуйста, приезжайте "
                            "за 15 минут до назначенного времени. До свидания!")
    # What reception says on a call or to a visitor (seed 001), shown on the reception panel; plain text.
    reception_script: str = RECEPTION_SCRIPT
    # Security: administrators must use a second factor (TOTP) to open anything.
    require_admin_2fa: bool = False

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @property
    def weekdays(self) -> frozenset[int]:
        """ISO weekdays (1 = Monday) that are working days."""
        return frozenset(parse_weekdays(self.working_weekdays))


SCRIPT_FIELDS = ("script_greeting", "script_purpose", "script_documents", "script_handover")

INTEGER_BOUNDS: dict[str, tuple[int, int]] = {
    "retry_delay_minutes": (5, 24 * 60),
    "max_failed_attempts": (1, 10),
    "confirmation_horizon_days": (1, 14),
    "call_continuation_window_hours": (1, 168),
    "call_continuation_min_calls": (2, 10),
    "repeat_appeal_lookback_days": (1, 365),
    "traffic_escalation_minutes": (1, 24 * 60),
    "no_show_grace_minutes": (0, 24 * 60),
}


def parse_weekdays(text: str) -> list[int]:
    """'1,2,3' → [1, 2, 3]; raises ValueError on anything else."""
    days = [int(part) for part in text.replace(" ", "").split(",") if part]
    if not days or any(day < 1 or day > 7 for day in days) or len(set(days)) != len(days):
        raise ValueError(text)
    return sorted(days)


def regulation_errors(reg: Regulations) -> dict[str, Message]:
    """Field → message for every inconsistency; empty when the settings can be saved."""
    errors: dict[str, Message] = {}
    for name, (low, high) in INTEGER_BOUNDS.items():
        value = getattr(reg, name)
        if not low <= value <= high:
            errors[name] = Message(N_("Must be between %(low)s and %(high)s."), {"low": low, "high": high})
    if reg.confirmation_window_end <= reg.confirmation_window_start:
        errors["confirmation_window_end"] = Message(N_("The window must end after it starts."))
    if reg.latest_call_time <= reg.confirmation_window_end:
        errors["latest_call_time"] = Message(N_("The latest call time must be after the confirmation window ends."))
    if reg.working_day_end <= reg.working_day_start:
        errors["working_day_end"] = Message(N_("The working day must end after it starts."))
    if reg.confirmation_window_start < reg.working_day_start:
        errors.setdefault(
            "confirmation_window_start", Message(N_("The confirmation window must start within working hours."))
        )
    if reg.latest_call_time > reg.working_day_end:
        errors.setdefault("latest_call_time", Message(N_("The latest call time must be within working hours.")))
    try:
        parse_weekdays(reg.working_weekdays)
    except ValueError:
        errors["working_weekdays"] = Message(N_("List ISO weekday numbers 1–7 separated by commas, e.g. 1,2,3,4,5."))
    for name in SCRIPT_FIELDS:
        problems = template_errors(getattr(reg, name))
        if problems:
            errors[name] = problems[0]
        elif len(getattr(reg, name)) > 2000:
            errors[name] = Message(N_("At most 2000 characters."))
    if len(reg.dealer_name) > 200:
        errors["dealer_name"] = Message(N_("At most 200 characters."))
    if len(reg.dealer_phone) > 50:
        errors["dealer_phone"] = Message(N_("At most 50 characters."))
    if len(reg.reception_script) > RECEPTION_SCRIPT_LIMIT:
        errors["reception_script"] = Message(N_("At most 4000 characters."))
    try:
        ZoneInfo(reg.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = Message(N_("Unknown time zone; use a name such as Europe/Moscow."))
    return errors
