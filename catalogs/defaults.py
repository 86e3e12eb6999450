"""The predefined rows a fresh install contains: the single source of truth (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    attrs: dict[str, Any] = field(default_factory=dict)
    children: tuple[dict[str, Any], ...] = ()


APPEAL_CATEGORIES = (
    Row("repair_services", "Услуги по ремонту",
        {"is_targeted": True, "description": "Интерес клиента к услугам автосервиса (СТО). При записи на ремонт "
                                             "процесс «Контакт с клиентом» переходит в «Обращение в СТО»."},
        (
            {"code": "booked", "name": "Клиент записан", "transition": "service_request"},
            {"code": "postponed", "name": "Отложить задачу"},
            {"code": "redirected", "name": "Перенаправить"},
            {"code": "refused", "name": "Отказ", "is_refusal": True},
        )),
    Row("spare_parts", "Запасные части",
        {"is_targeted": True, "description": "Интерес клиента к покупке запасных частей. При подтверждении покупки "
                                             "процесс переходит в «Обращение в СТО»."},
        (
            {"code": "await_with_reserve", "name": "Ожидаем клиента, установить резерв", "transition": "service_request"},
            {"code": "await_without_reserve", "name": "Ожидаем клиента без резерва"},
            {"code": "sold", "name": "Оформлена продажа", "transition": "service_request"},
            {"code": "redirected", "name": "Перенаправить"},
            {"code": "refused", "name": "Отказ", "is_refusal": True},
        )),
    Row("call_continuation", "Продолжение звонка",
        {"auto_rule": "call_continuation", "description": "Назначается автоматически: клиент звонил 2 и более раз "
                                                          "в течение дня или по нему открыто «Обращение в СТО»."}),
    Row("order_status", "По статусу ремонта/заказа",
        {"auto_rule": "order_status", "description": "Назначается автоматически, если у клиента есть открытый "
                                                     "заказ-наряд."}),
    Row("repeat_appeal", "Повторное обращение",
        {"auto_rule": "repeat_appeal", "description": "Назначается автоматически, если за последний месяц "
                                                      "«Обращение в СТО» клиента завершилось отказом; прежний "
                                                      "процесс продолжается."}),
    Row("other", "Прочее", {"description": "Все прочие нецелевые обращения."}),
)

CANCELLATION_REASONS = (
    Row("client_unreachable", "Не удалось дозвониться до клиента"),
    Row("client_changed_plans", "Клиент передумал"),
    Row("went_elsewhere", "Клиент обратился в другой сервис"),
    Row("rescheduled_by_client", "Клиент перенёс визит на неопределённый срок"),
)

CONTACT_GOALS = (
    Row("call_showroom_new_car", "Звонок. Автосалон. Покупка нового автомобиля",
        {"channel": "call", "department": "showroom", "document_kind": "work_sheet"}),
    Row("visit_showroom_new_car", "Визит. Автосалон. Покупка нового автомобиля",
        {"channel": "visit", "department": "showroom", "document_kind": "work_sheet"}),
    Row("call_service_repair", "Звонок. Сервис. Ремонт автомобиля",
        {"channel": "call", "department": "service", "document_kind": "pre_booking"}),
    Row("visit_service_repair", "Визит. Сервис. Ремонт автомобиля",
        {"channel": "visit", "department": "service", "document_kind": "repair_visit"}),
    Row("call_parts", "Звонок. Запчасти. Покупка запчастей",
        {"channel": "call", "department": "parts", "document_kind": None}),
    Row("other", "Прочее", {"channel": "call", "department": "other", "document_kind": None}),
)

IGNORE_REASONS = (
    Row("other", "Прочее", {"requires_comment": True}),
    Row("wrong_call", "Ошибочный звонок"),
    Row("spam", "Спам"),
    Row("personal_visit", "Личный визит к сотруднику"),
)

LEAD_STAGES = (
    Row("new", "1. Новый лид"),
    Row("in_qualification", "2. Квалификация"),
    Row("qualified", "3. Квалификация пройдена"),
    Row("meeting_scheduling", "4. Назначение встречи"),
    Row("meeting_set", "5. Встреча назначена"),
    Row("meeting_held", "6. Встреча проведена"),
    Row("closed_won", "Сделка закрыта успешно", {"outcome": "won"}),
    Row("closed_lost", "Отказ. Сделка закрыта", {"outcome": "lost"}),
)

LOSS_REASONS = (
    Row("no_contact", "Нет контакта"),
    Row("bought_elsewhere", "Купил в другом салоне"),
    Row("price", "Не устроила цена"),
    Row("postponed_purchase", "Отложил покупку"),
)

MESSAGE_TEMPLATES = (
    Row("first_touch", "Первое касание",
        {"channel": "whatsapp", "body": "{client_name}, здравствуйте! Это {manager}, {dealer_name}. Спасибо за "
                                        "интерес к нашим автомобилям. Когда вам удобно приехать на встречу? "
                                        "Телефон: {dealer_phone}"}),
    Row("audio_message", "Аудио руководителя",
        {"channel": "whatsapp", "body": "{client_name}, добрый день! Руководитель отдела продаж {dealer_name} "
                                        "записал для вас короткое аудиосообщение. Будем рады видеть вас в салоне. "
                                        "Телефон: {dealer_phone}"}),
    Row("ignore", "Игнор",
        {"channel": "whatsapp", "body": "{client_name}, мы не смогли до вас дозвониться. Подскажите, актуален ли "
                                        "ещё вопрос покупки автомобиля? {manager}, {dealer_name}"}),
    Row("full_ignore", "Полный игнор",
        {"channel": "whatsapp", "body": "{client_name}, к сожалению, мы так и не смогли связаться с вами. Если "
                                        "вопрос станет актуален — позвоните нам: {dealer_phone}. {dealer_name}"}),
    Row("visit_reminder", "Напоминание о визите",
        {"channel": "sms", "body": "{client_name}, напоминаем: вы записаны в сервис {dealer_name} на {visit_at}, "
                                   "мастер-консультант {advisor}. Автомобиль: {car}. Тел. {dealer_phone}"}),
)

# Seed 004: «ОП-2. Коммуникация с квал лидом, если не удалось назначить встречу».
QUALIFIED_NO_MEETING_STEPS = (
    {"day_offset": 0, "action": "send_template", "template": "first_touch",
     "note": "Не договорились о следующем звонке: шаблон первого касания"},
    {"day_offset": 1, "action": "call_task", "note": "Звонок для повторного назначения встречи"},
    {"day_offset": 1, "action": "send_template", "template": "audio_message", "only_if_not_reached": True,
     "note": "Не дозвонились: «Аудио руководителя»"},
    {"day_offset": 2, "action": "send_template", "template": "ignore", "only_if_not_reached": True,
     "note": "Клиент не ответил: «Игнор»"},
    {"day_offset": 2, "action": "call_task", "note": "Ещё один звонок"},
    {"day_offset": 4, "action": "send_template", "template": "full_ignore", "only_if_not_reached": True,
     "note": "Через 2 дня: «Полный игнор»"},
    {"day_offset": 4, "action": "call_task", "note": "Последний звонок"},
    {"day_offset": 4, "action": "close_lost", "loss_reason": "no_contact", "only_if_not_reached": True,
     "note": "Не связались: «Отказ. Сделка закрыта», причина «Нет контакта»"},
)

# Seed 004: «Встреча была назначена, но Клиент не пришёл».
MEETING_NO_SHOW_STEPS = (
    {"day_offset": 0, "hour_offset": 0, "action": "call_task", "note": "Первый звонок в день встречи"},
    {"day_offset": 0, "hour_offset": 2, "action": "call_task", "only_if_not_reached": True,
     "note": "Второй звонок в тот же день"},
    {"day_offset": 0, "hour_offset": 2, "action": "send_template", "template": "audio_message",
     "only_if_not_reached": True, "note": "Не дозвонились: «Аудио руководителя»"},
    {"day_offset": 1, "action": "send_template", "template": "ignore", "only_if_not_reached": True,
     "note": "На следующий день: «Игнор»"},
    {"day_offset": 1, "action": "call_task", "note": "Ещё один звонок"},
    {"day_offset": 3, "action": "send_template", "template": "full_ignore", "only_if_not_reached": True,
     "note": "Через 2 дня: «Полный игнор»"},
    {"day_offset": 3, "action": "call_task", "note": "Последний звонок"},
    {"day_offset": 3, "action": "close_lost", "loss_reason": "no_contact", "only_if_not_reached": True,
     "note": "Не связались: «Отказ. Сделка закрыта», причина «Нет контакта»"},
)

CADENCES = (
    Row("qualified_no_meeting", "Квалификация пройдена, встреча не назначена",
        {"trigger": "qualified_no_meeting", "description": "ОП-2: цель — назначить дату встречи."},
        QUALIFIED_NO_MEETING_STEPS),
    Row("meeting_no_show", "Встреча назначена, клиент не пришёл",
        {"trigger": "meeting_no_show", "description": "ОП-2: клиент не пришёл на встречу — повторно назначить."},
        MEETING_NO_SHOW_STEPS),
)
