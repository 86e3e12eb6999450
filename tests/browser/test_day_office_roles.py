"""A whole working day of the office roles in a real browser, on demo data (`flask seed demo`: 40 demo clients with
their cars, documents and bookings, 12 demo leads), from the login to the end of each seed scenario the role owns:

- the service administrator (seed 000): the schedule, the confirmation list of the horizon day, every kind of call;
- the call-centre manager (seed 004): today's calls, a lead card, a failed call, a meeting, the calendar;
- the supervisor (seeds 001, 002, 004): an untaken visitor escalated to them, the journal, appeals, the cadences and
  templates the head of the call centre edits;
- the administrator: «finish setup» on the home page, the settings, a catalog, the cadence editor, a template, the
  audit log.

The app runs on the real clock, so every time below is computed from now with the working calendar."""

from __future__ import annotations

import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.helpers import (
    desk_row,
    exact,
    field_error,
    finish_call,
    flashes,
    list_row,
    open_from_list,
    submit_admin_form,
)

pytestmark = pytest.mark.browser

ADVISOR = "Сергей Смирнов"


def _user(session, username):
    from app.models.user import User

    return session.scalar(select(User).where(User.username == username))


@pytest.fixture
def demo(db_session):
    """What `flask seed demo` adds to the predefined rows and demo users: demo clients and demo leads."""
    from app.clock import SystemClock
    from seed.clients import install_demo_clients
    from seed.leads import install_demo_leads

    install_demo_clients(db_session, clock=SystemClock(), count=40)
    install_demo_leads(db_session, clock=SystemClock())
    return db_session


# ----- the service administrator (seed 000)


DESK_PEOPLE = {  # who, phone, car, plate — the calls the operator makes on the horizon day
    "confirm": ("Иванова Мария Петровна", "+7 916 123-45-67", "Kia Rio", "А777ВС77"),
    "retry": ("Петров Сергей Иванович", "+7 925 555-10-20", "LADA Vesta", "О001ОО199"),
    "callback": ("ООО «Автотранс»", "+7 495 700-00-01", "Volkswagen Polo", "Е555КХ750"),
    "cancel": ("Кузьмин Олег Викторович", "+7 903 111-22-33", "Skoda Octavia", "К321МН77"),
    "move": ("Соколова Анна Игоревна", "+7 926 444-55-66", "Hyundai Creta", "Т808ТТ197"),
}


@pytest.fixture
def desk_day(demo):
    """Five bookings of the demo advisor on the day the desk confirms today, each at the first start from 10:00
    where the advisor is still free (the demo bookings already hold some of his time). All start after the
    working day's start, so a failed call late tonight still has a next attempt before the visit."""
    from app.clock import SystemClock
    from app.domain.errors import DomainError
    from desk import service as desk
    from desk.rules import WorkLine
    from tests import factories as f

    session, clock = demo, SystemClock()
    advisor = _user(session, "advisor")
    regs = desk.load_regulations(session)
    calendar = desk.working_calendar(session, regs)
    day = desk.horizon_day(calendar.local(clock.now()).date(), regs, calendar)
    starts = [calendar.at(day, time(hour, minute)) for hour in range(10, 20) for minute in (0, 30)]
    made = {}
    for key, (name, phone, model, plate) in DESK_PEOPLE.items():
        client = f.client(session, clock, name, phones=[phone], cars=[{"make_model": model, "plate": plate}])
        while key not in made:
            start = starts.pop(0)
            try:
                booking = desk.create_booking(session, desk.BookingDraft(
                    client_id=client.id, car_id=client.cars[0].id, advisor_id=advisor.id, start_at=start,
                    works=[WorkLine("ТО-1 (масло, фильтры)", Decimal("1.5"), Decimal("6500"))]),
                    actor_id=None, clock=clock)
            except DomainError:
                session.rollback()  # a demo booking holds this time
            else:
                made[key] = (booking.id, name, start)
                starts = [s for s in starts if s >= start + timedelta(hours=1, minutes=30)]
    return {"day": day, "calendar": calendar, "bookings": made}


def _local(calendar, moment):
    return calendar.local(moment).strftime("%d.%m.%Y %H:%M")


def test_service_admin_day(page, login, desk_day, db_session, screenshot):
    from desk.models import Booking

    day, calendar, made = desk_day["day"], desk_day["calendar"], desk_day["bookings"]
    names = {key: name for key, (_, name, _) in made.items()}
    login("service")
    expect(page.locator("h1")).to_contain_text("Мария Оператор")
    with page.expect_navigation():
        page.locator("#home-sections a", has_text="Запись на сервис").click()
    with page.expect_navigation():
        page.locator("ul.desk-tabs a", has_text="График").click()
    page.goto(f"/admin/desk/schedule?day={day.isoformat()}")
    column = page.locator(f'td.schedule-cell[data-advisor="{ADVISOR}"]')
    for name in names.values():
        expect(column.locator(".schedule-booking", has_text=name)).to_have_count(1)
    screenshot(page, "day-service_admin-schedule.png")

    with page.expect_navigation():
        page.locator("ul.desk-tabs a", has_text="Подтверждение визита, список").click()
    expect(page.locator("h4")).to_contain_text(day.strftime("%d.%m.%Y"))
    for name, phone, *_rest in DESK_PEOPLE.values():
        row = desk_row(page, name)
        expect(row).to_have_attribute("data-state", "to_call")
        expect(row.locator("a.desk-phone")).to_have_text(phone)
        expect(row.locator("a.desk-phone")).to_have_attribute("href", "tel:+" + re.sub(r"\D", "", phone))

    # «приедет», with a new wish: said to the client live — the start stays, the end and the total grow
    _, _, start = made["confirm"]
    open_from_list(page, names["confirm"])
    expect(page.locator("#booking-phone")).to_have_text(DESK_PEOPLE["confirm"][1])
    page.check("#outcome-confirmed")
    page.select_option("select[name='added_works.0.work_id']", label="Диагностика ходовой части")
    expect(page.locator("input[name='added_works.0.price']")).to_have_value("1500")  # as typed: no «.00»
    expect(page.locator("input[name='added_works.0.hours']")).to_have_value("0,5")
    end = start + timedelta(hours=2)
    expect(page.locator("#wish-summary")).to_have_text(
        f"Скажите клиенту: работы закончатся {_local(calendar, end)}, стоимость — 8\u00a0000,00 ₽.")
    page.fill("#f-note", "приедет")
    screenshot(page, "day-service_admin-wish.png")
    finish_call(page)
    expect(page.locator("div.alert-success")).to_contain_text(
        f"Визит подтверждён: {_local(calendar, start)}–{calendar.local(end):%H:%M}, итого 8\u00a0000,00 ₽.")
    expect(desk_row(page, names["confirm"])).to_have_class(re.compile(r"\btable-success\b"))
    expect(desk_row(page, names["confirm"])).to_contain_text("8\u00a0000,00")

    # «абонент занят»: the next attempt is set by the regulation; calling again before it is refused
    booking_id, _, _ = made["retry"]
    open_from_list(page, names["retry"])
    page.check("#outcome-not_reached")
    page.select_option("#f-reason", label="Занято")
    finish_call(page)
    expect(page.locator("div.alert-success")).to_contain_text("Звонок записан: Повторный звонок")
    expect(desk_row(page, names["retry"])).to_have_class(re.compile(r"\btable-warning\b"))
    db_session.expire_all()
    next_at = _local(calendar, db_session.get(Booking, booking_id).next_contact_at)
    expect(desk_row(page, names["retry"]).locator("td").first).to_contain_text(next_at)
    open_from_list(page, names["retry"])
    page.check("#outcome-not_reached")
    page.select_option("#f-reason", label="Недоступен")
    finish_call(page)
    expect(page.locator("#call-form fieldset .invalid-feedback")).to_have_text(
        f"Рано: следующая попытка — в {next_at}.")
    expect(page.locator("#outcome-not_reached")).to_be_checked()
    expect(page.locator("#attempts li")).to_have_count(1)
    screenshot(page, "day-service_admin-too-early.png")

    # «неудобно говорить»: the time the client named, on the visit day before the visit
    page.goto(f"/admin/desk/?day={day.isoformat()}")
    open_from_list(page, names["callback"])
    page.check("#outcome-callback")
    page.fill("#f-callback_at", f"{day.isoformat()}T09:30")
    finish_call(page)
    expect(desk_row(page, names["callback"])).to_have_class(re.compile(r"\btable-info\b"))
    expect(desk_row(page, names["callback"]).locator("td").first).to_contain_text(f"{day:%d.%m.%Y} 09:30")

    # «не приедет, другое время»: one of the advisor's free times of the day
    booking_id, _, start = made["move"]
    open_from_list(page, names["move"])
    page.check("#outcome-reschedule")
    slots = page.locator("[data-outcome=reschedule] .slot-list .slot")
    expect(slots.first).to_be_visible()
    labels = slots.all_inner_texts()
    for other in ("confirm", "retry", "callback", "cancel"):
        assert f"{calendar.local(made[other][2]):%H:%M}" not in labels, (other, labels)  # his other visits
    chosen = next(label for label in reversed(labels) if label != f"{calendar.local(start):%H:%M}")
    page.locator("[data-outcome=reschedule] .slot", has_text=exact(chosen)).click()
    expect(page.locator("#f-new_start_at")).to_have_value(f"{day.isoformat()}T{chosen}")
    finish_call(page)
    expect(page.locator("div.alert-success")).to_contain_text(f"Визит перенесён на {day:%d.%m.%Y} {chosen}.")
    expect(desk_row(page, names["move"])).to_have_class(re.compile(r"\btable-success\b"))
    expect(desk_row(page, names["move"]).locator("td").nth(1)).to_have_text(f"{day:%d.%m.%Y} {chosen}")

    # refuses the visit and any other time: «Отменить заявку» → «…завершить бизнес-процесс?» → the reason
    booking_id, _, _ = made["cancel"]
    page.goto(f"/admin/desk/schedule?day={day.isoformat()}")
    with page.expect_navigation():
        page.locator(".schedule-booking", has_text=names["cancel"]).click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cancel-open")
    expect(page.locator("#f-reason_id")).to_be_focused()
    page.select_option("#f-reason_id", label="Клиент передумал")
    with page.expect_navigation():
        page.click("#cancel-submit")
    expect(page).to_have_url(re.compile(r"/admin/desk/schedule"))
    expect(flashes(page).filter(has_text="Заявка отменена")).to_be_visible()

    page.goto(f"/admin/desk/?day={day.isoformat()}")
    colours = {"confirm": "table-success", "move": "table-success", "retry": "table-warning",
               "callback": "table-info", "cancel": "table-danger"}
    for key, colour in colours.items():
        expect(desk_row(page, names[key])).to_have_class(re.compile(rf"\b{colour}\b"))
    expect(desk_row(page, names["cancel"])).to_contain_text("Клиент передумал")
    expect(page.locator("table.desk-list")).not_to_contain_text("+00:00")
    screenshot(page, "day-service_admin-list.png")


# ----- the call-centre manager (seed 004)


@pytest.fixture
def leads_day(demo):
    """Besides the demo leads: Виктор Иванов missed his meeting on the last working day (the no-show cadence's
    first call is overdue now, whatever the hour), and a cadence the head of the call centre made to be started
    by hand from a lead card."""
    from app.clock import FixedClock, SystemClock
    from app.services.regulations import working_calendar
    from catalogs.models import Cadence, CadenceStep
    from leads import service
    from tests import factories as f

    session, clock = demo, SystemClock()
    olga = _user(session, "callcenter")
    client = f.client(session, clock, "Виктор Иванов", phones=["+7 912 000-11-22"])
    lead = service.create_lead(session, service.LeadDraft(client_id=client.id, interest="Kia Sportage",
                                                          responsible_id=olga.id), actor_id=olga.id, clock=clock)
    calendar = working_calendar(session)
    today = calendar.local(clock.now()).date()
    day = today - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    missed = calendar.at(day, time(11, 0))
    service.record_event(session, lead.id, "meeting_set", actor_id=olga.id, at=missed,
                         clock=FixedClock(missed - timedelta(days=1)), employee_id=olga.id)
    service.record_event(session, lead.id, "no_show", actor_id=None, clock=FixedClock(missed + timedelta(minutes=20)))
    session.add(Cadence(name="Приглашение на тест-драйв", trigger="manual", sort_order=900, steps=[
        CadenceStep(sort_order=10, day_offset=1, action="call_task", note="Пригласить на тест-драйв"),
        CadenceStep(sort_order=20, day_offset=2, action="call_task", note="Напомнить о тест-драйве")]))
    session.commit()
    return {"lead_id": lead.id, "meeting_day": calendar.next_working_day(today)}


def test_call_center_day(page, login, leads_day, screenshot):
    meeting_day = leads_day["meeting_day"]
    login("callcenter")
    expect(page.locator("h1")).to_contain_text("Ольга Иванова")
    with page.expect_navigation():
        page.locator("#home-sections a", has_text=exact("Лиды")).click()
    tasks = page.locator("#call-tasks tr.call-task")
    expect(page.locator("#open-leads tbody tr")).to_have_count(13)  # the twelve demo leads and his
    mine = tasks.filter(has_text="Виктор Иванов")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Первый звонок в день встречи")
    expect(mine).to_contain_text("+7 912 000-11-22")
    expect(mine).to_have_class(re.compile(r"\btable-warning\b"))  # overdue
    screenshot(page, "day-call_center-tasks.png")

    with page.expect_navigation():
        mine.locator("a.btn", has_text="Записать звонок").click()
    expect(page.locator("#lead-stage")).to_be_visible()
    expect(page.locator("#cadence-status")).to_have_text("Выполняется")
    expect(page.locator("#cadence-next")).to_contain_text("Второй звонок в тот же день")

    # the outcome is required: said next to the buttons
    form = page.locator("form.call-task-form").first
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("form.call-task-form .invalid-feedback")).to_have_text("Выберите результат звонка.")
    page.locator("form.call-task-form label", has_text="Не дозвонились").first.click()
    with page.expect_navigation():
        page.locator("form.call-task-form button[type=submit]").first.click()
    expect(page.locator("div.alert-success")).to_contain_text("Звонок записан")
    expect(page.locator("#lead-history")).to_contain_text("Не дозвонились")

    # the client calls back: the meeting is set for the next working day, 15:00, with a sales manager
    page.fill("#f-at", f"{meeting_day.isoformat()}T15:00")
    page.select_option("#f-employee_id", label="Владимир Петухов")
    with page.expect_navigation():
        page.click("#set-meeting")
    expect(page.locator("#lead-stage")).to_have_text("5. Встреча назначена")
    expect(page.locator("#cadence-status")).to_have_text("Остановлен")
    expect(page.locator("#lead-meeting")).to_have_text(f"{meeting_day:%d.%m.%Y} 15:00 · Владимир Петухов")
    history = page.locator("#lead-history")
    expect(history).to_contain_text("Регламент остановлен · Встреча назначена, клиент не пришёл (назначена встреча)")
    expect(history).not_to_contain_text("meeting_no_show")

    # a cadence made to be started by hand: the invitation to a test drive
    page.select_option("#f-cadence", label="Приглашение на тест-драйв")
    with page.expect_navigation():
        page.click("#start-cadence")
    expect(page.locator("div.alert-success")).to_contain_text("Регламент запущен.")
    expect(page.locator("#cadence .card-header")).to_contain_text("Приглашение на тест-драйв")
    expect(page.locator("#cadence-status")).to_have_text("Выполняется")
    expect(page.locator("#cadence-steps li")).to_have_count(2)
    expect(page.locator("#cadence-next")).to_contain_text("Пригласить на тест-драйв")
    screenshot(page, "day-call_center-lead.png")

    with page.expect_navigation():
        page.locator("ul.nav-tabs a", has_text="Календарь встреч").click()
    page.goto(f"/admin/leads/calendar?view=week&day={meeting_day.isoformat()}")
    meeting = page.locator("#meetings-calendar a.meeting", has_text="Виктор Иванов")
    expect(meeting).to_have_count(1)
    expect(meeting).to_contain_text("15:00 Виктор Иванов")
    row = page.locator("#meetings-calendar tbody tr", has=page.locator("a.meeting", has_text="Виктор Иванов"))
    expect(row.locator("th")).to_have_text("Владимир Петухов")
    screenshot(page, "day-call_center-calendar.png")
    with page.expect_navigation():
        meeting.click()
    expect(page.locator("#lead-title")).to_contain_text("Виктор Иванов")


# ----- the supervisor (seeds 001, 002, 004)


@pytest.fixture
def supervisor_day(demo):
    """A year of demo traffic for the journal; a walk-in registered 25 minutes ago that nobody took, whose
    escalation timer has fired (the worker's job, run here); two appeals of the day."""
    from app.clock import FixedClock, SystemClock
    from app.jobs import RecordingDispatcher
    from app.timers.models import ScheduledAction
    from app.timers.service import fire
    from appeals import service as appeals
    from catalogs.models import AppealCategory, AppealOutcome, ContactGoal
    from seed.bulk_traffic import install_bulk_traffic
    from tests import factories as f
    from traffic import service as traffic

    session, clock = demo, SystemClock()
    install_bulk_traffic(session, count=60, clock=clock)
    session.commit()
    goal = session.scalar(select(ContactGoal).where(ContactGoal.code == "visit_showroom_new_car"))
    walk_in, notified = traffic.register(session, traffic.TrafficDraft(
        channel="visit", goal_id=goal.id, description="Мужчина, ждёт консультанта по Haval Jolion", queue=True),
        actor_id=_user(session, "reception").id, clock=FixedClock(clock.now() - timedelta(minutes=25)))
    assert notified, "the goal's specialists are told first"
    escalation = session.scalar(select(ScheduledAction.id).where(
        ScheduledAction.kind == "traffic_escalation", ScheduledAction.target_id == walk_in.id))
    assert fire(session, escalation, clock=clock, dispatcher=RecordingDispatcher()) == "done"

    def outcome(category, code):
        return session.scalar(select(AppealOutcome).join(AppealCategory).where(
            AppealCategory.code == category, AppealOutcome.code == code))

    advisor = _user(session, "advisor")
    for name, phone, chosen in (("Иванов Дмитрий", "+7 912 000-11-22", outcome("repair_services", "booked")),
                                ("Орлова Ирина", "+7 913 000-22-33", None)):
        client = f.client(session, clock, name, phones=[phone])
        category_id = chosen.category_id if chosen else session.scalar(
            select(AppealCategory.id).where(AppealCategory.code == "other"))
        appeals.register_appeal(session, appeals.AppealDraft(
            client_id=client.id, channel="call", category_id=category_id, outcome_id=chosen.id if chosen else None),
            actor_id=advisor.id, clock=clock)
    return {"traffic_id": walk_in.id, "number": walk_in.number, "goal": goal.name}


def test_supervisor_day(page, login, supervisor_day, db_session, screenshot):
    from catalogs.models import Cadence, MessageTemplate

    number, goal = supervisor_day["number"], supervisor_day["goal"]
    login("supervisor")
    expect(page.locator("h1")).to_contain_text("Михаил Николаевич")
    escalated = page.locator("#unread-panel .unread-link", has_text=f"Никто не взял {number}")
    expect(escalated).to_have_text(re.compile(rf"^Никто не взял {number} \({re.escape(goal)}\) уже 2\d мин\.$"))
    expect(page.locator("#unread-badge")).to_have_text("1")
    screenshot(page, "day-supervisor-escalation.png")

    with page.expect_navigation():
        escalated.click()
    expect(page.locator("#traffic-title")).to_contain_text(number)
    expect(page.locator("#traffic-status")).to_have_text("В очереди")
    expect(page.locator("#traffic-taken-by")).to_have_text("—")
    expect(page.locator("#take")).to_have_count(0)  # the supervisor sees it; the sales managers take it
    expect(page.locator("#unread-badge")).to_have_count(0)  # opening it read it

    # the journal: today's visitors still waiting, by the goal
    with page.expect_navigation():
        page.locator("nav a.nav-link", has_text=exact("Журнал входящего трафика")).click()
    rows = page.locator("table.model-list tbody tr")
    expect(rows.first).to_be_visible()
    filters = page.locator(".field-filters")
    for name, value in (("Статус", "В очереди"), ("Цель", goal)):
        page.locator("ul.nav-tabs li.dropdown", has=filters).locator("a.dropdown-toggle").click()
        filters.locator("a.filter", has_text=exact(name)).first.click()
        page.locator("#filter_form tr").last.locator("select.filter-val").select_option(label=value, force=True)  # under Select2
    with page.expect_navigation():
        page.click("#filter_form button[type=submit]")
    ours = rows.filter(has=page.locator("td.col-number", has_text=exact(number)))
    expect(ours).to_have_count(1)
    expect(ours.locator("td.col-who")).to_have_text("Мужчина, ждёт консультанта по Haval Jolion")
    expect(ours.locator("td.col-registered_by")).to_have_text("Анна Ресепшн")
    for status in rows.locator("td.col-status").all_inner_texts():
        assert status.strip() == "В очереди", status
    for shown in rows.locator("td.col-goal").all_inner_texts():
        assert shown.strip() == goal, shown
    screenshot(page, "day-supervisor-journal.png")

    # appeals (seed 002): the day's appeals and the service request one of them opened
    with page.expect_navigation():
        page.locator("nav a.nav-link", has_text=exact("Обращения")).click()
    latest = page.locator("#latest-appeals tbody tr")
    expect(latest.filter(has_text="Иванов Дмитрий")).to_contain_text("Услуги по ремонту — Клиент записан")
    expect(latest.filter(has_text="Орлова Ирина")).to_contain_text("Прочее")
    expect(page.locator("#open-processes")).to_contain_text("Иванов Дмитрий")
    expect(page.locator("#open-appeal, #save-appeal")).to_have_count(0)

    # seed 004: «Редактор: Руководитель call-центра» — the cadence and its templates, without being admin
    cadence_id = db_session.scalar(select(Cadence.id).where(Cadence.code == "qualified_no_meeting"))
    page.locator("nav a.dropdown-toggle", has_text="Справочники").click()
    menu = page.locator("nav .dropdown-menu.show a.dropdown-item")
    expect(menu).to_have_text(["Шаблоны сообщений", "Регламенты касаний"])
    with page.expect_navigation():
        menu.filter(has_text="Регламенты касаний").click()
    with page.expect_navigation():
        page.locator(f"table.model-list a[href*='/admin/cadence/edit/?id={cadence_id}']").first.click()
    steps = page.locator("#cadence-steps-table tbody tr.step-row")
    expect(steps).to_have_count(8)
    last_call = steps.nth(6)
    expect(last_call.locator("input.step-note")).to_have_value("Последний звонок")
    last_call.locator("input.step-note").fill("Последний звонок: предложить тест-драйв")
    screenshot(page, "day-supervisor-cadence.png")
    submit_admin_form(page)
    expect(flashes(page).filter(has_text="Запись была сохранена.")).to_be_visible()
    db_session.expire_all()
    assert [s.note for s in db_session.get(Cadence, cadence_id).steps][6] == "Последний звонок: предложить тест-драйв"

    page.goto("/admin/messagetemplate/")
    with page.expect_navigation():
        list_row(page, "Игнор").locator("a[href*='/admin/messagetemplate/edit/']").click()
    body = page.locator("#body")
    text = body.input_value() + " Ответьте «да», и мы перезвоним."
    body.fill(text)
    submit_admin_form(page)
    expect(flashes(page).filter(has_text="Запись была сохранена.")).to_be_visible()
    db_session.expire_all()
    assert db_session.scalar(select(MessageTemplate.body).where(MessageTemplate.code == "ignore")) == text


# ----- the administrator


@pytest.fixture
def admin_day(demo):
    """The dealership's phone was skipped at `flask seed predefined` (Enter to skip): messages using
    {dealer_phone} wait until it is filled in."""
    from app.services.regulations import save_regulations, settings_version
    from catalogs.models import ContactGoal

    save_regulations(demo, {"dealer_phone": ""}, expected_version=settings_version(demo))
    unassigned = [goal for goal in demo.scalars(select(ContactGoal).where(ContactGoal.show_in_list.is_(True)))
                  if not goal.specialists]
    return {"goals": [(goal.id, goal.name) for goal in unassigned]}


def test_admin_day(page, login, admin_day, db_session, screenshot):
    from catalogs.models import Cadence, ContactGoal

    goals = admin_day["goals"]
    assert len(goals) == 1, goals  # the demo leaves only «Прочее» without a specialist
    goal_id, goal_name = goals[0]
    login("admin")
    block = page.locator("#finish-setup")
    expect(block.locator("li")).to_have_count(2)
    expect(block.locator("[data-gap='dealer_phone']")).to_contain_text("{dealer_phone}")
    expect(block.locator(f"[data-gap='contact_goal:{goal_id}']")).to_contain_text(goal_name)
    screenshot(page, "day-admin-finish-setup.png")

    # the settings: the phone, then the block has one thing left
    with page.expect_navigation():
        block.locator("[data-gap='dealer_phone'] a", has_text="Заполнить").click()
    expect(page.locator("#dealer_phone")).to_have_value("")
    page.fill("#dealer_phone", "+7 495 123-45-67")
    with page.expect_navigation():
        page.click("#regulations-form button[type=submit]")
    expect(flashes(page).filter(has_text="Настройки сохранены.")).to_be_visible()
    with page.expect_navigation():
        page.locator("nav a.nav-link", has_text=exact("Главная")).click()
    expect(block.locator("li")).to_have_count(1)
    expect(block.locator("[data-gap='dealer_phone']")).to_have_count(0)

    # a catalog: who is told about traffic with the goal «Прочее» (the Select2 picker searches the staff)
    with page.expect_navigation():
        block.locator("a", has_text="Выбрать специалистов").click()
    expect(page.locator("#name")).to_have_value(goal_name)
    page.locator("#s2id_specialists").click()
    page.keyboard.type("Смирн")
    page.locator(".select2-drop-active .select2-result-label", has_text=ADVISOR).click()
    expect(page.locator("#s2id_specialists .select2-search-choice")).to_have_text([ADVISOR])
    submit_admin_form(page)
    expect(page).to_have_url(re.compile(r"/admin/$"))  # back home, as the link asked
    expect(page.locator("#finish-setup")).to_have_count(0)
    db_session.expire_all()
    assert [u.username for u in db_session.get(ContactGoal, goal_id).specialists] == ["advisor"]

    # the cadence editor: one line per step; a control call a week after the missed meeting
    cadence_id = db_session.scalar(select(Cadence.id).where(Cadence.code == "meeting_no_show"))
    page.locator("nav a.dropdown-toggle", has_text="Справочники").click()
    with page.expect_navigation():
        page.locator("nav .dropdown-menu.show a.dropdown-item", has_text="Регламенты касаний").click()
    with page.expect_navigation():
        page.locator(f"table.model-list a[href*='/admin/cadence/edit/?id={cadence_id}']").first.click()
    steps = page.locator("#cadence-steps-table tbody tr.step-row")
    expect(steps).to_have_count(8)
    page.click("#steps-add")
    expect(steps).to_have_count(9)
    added = steps.last
    expect(added.locator(".step-number")).to_have_text("9")
    added.locator("input.step-day").fill("5")
    added.locator("input.step-time").fill("10:00")
    added.locator("select.step-action").select_option(label="Создать задачу на звонок")
    added.locator("input.step-note").fill("Контрольный звонок через неделю")
    screenshot(page, "day-admin-cadence.png")
    submit_admin_form(page)
    expect(flashes(page).filter(has_text="Запись была сохранена.")).to_be_visible()
    db_session.expire_all()
    last = db_session.get(Cadence, cadence_id).steps[-1]
    assert (last.day_offset, last.at_time, last.action, last.note) == (5, time(10, 0), "call_task",
                                                                       "Контрольный звонок через неделю")

    # a message template: an unknown placeholder is refused next to the body, what was typed is kept
    page.goto("/admin/messagetemplate/new/")
    page.fill("#name", "Приглашение на ТО")
    body = "{clent_name}, приглашаем вас на ТО в {dealer_name}. Тел. {dealer_phone}"
    page.fill("#body", body)
    submit_admin_form(page)
    expect(page.locator("#body")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(field_error(page, "body")).to_contain_text("Неизвестный параметр {clent_name}")
    expect(page.locator("#body")).to_have_value(body)
    screenshot(page, "day-admin-template-error.png")
    page.fill("#body", body.replace("{clent_name}", "{client_name}"))
    submit_admin_form(page)
    expect(list_row(page, "Приглашение на ТО")).to_have_count(1)

    # the audit log: today's changes in words
    page.goto("/admin/audit/")
    rows = page.locator("table.model-list tbody tr")
    expect(rows.first.locator("td.col-entity_label")).to_have_text("Приглашение на ТО")
    expect(rows.first.locator("td.col-actor")).to_have_text("Администратор системы")
    table = page.locator("table.model-list")
    goal_row = rows.filter(has=page.locator("td.col-entity_label", has_text=exact(goal_name)))
    expect(goal_row.first.locator("ul.audit-changes")).to_contain_text(ADVISOR)
    settings_row = rows.filter(has=page.locator("ul.audit-changes ins", has_text="+7 495 123-45-67"))
    expect(settings_row).to_have_count(1)
    expect(table).to_contain_text("Контрольный звонок через неделю")
    # the demo's leads, cadence runs and call tasks too (the workers' entries, no one's name), in words; read
    # narrowed to each (the «entity equals» filter): how many fit the first page depends on the hour of the seed,
    # and a demo seeded after the working day has no call task yet (the cadences' first calls are due tomorrow)
    from app.audit.models import AuditEntry

    raws = ("<", "None", "+00:00", "cadence_id", "cadence_run_id", "next_call_at", "call_task", "specialists",
            "10:00:00", "Статус: open")
    for raw in raws:
        expect(table).not_to_contain_text(raw)
    call_tasks = db_session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "call_task"))
    for entity, label in (("lead", "Лиды"), ("cadence_run", "Регламенты касаний"), ("call_task", "Задачи на звонок")):
        if entity == "call_task" and not call_tasks:
            continue
        page.goto(f"/admin/audit/?flt0_2={entity}")
        expect(table.locator("td.col-entity").first).to_have_text(label)
        for raw in raws:
            expect(table).not_to_contain_text(raw)
    page.goto("/admin/audit/")

    # what the administrator did today, one screen: the log narrowed to their login
    filters = page.locator(".field-filters")
    page.locator("ul.nav-tabs li.dropdown", has=filters).locator("a.dropdown-toggle").click()
    filters.locator("a.filter", has_text="Кто (логин)").first.click()
    page.fill("#filter_form input.filter-val", "admin")
    with page.expect_navigation():
        page.click("#filter_form button[type=submit]")
    expect(rows.locator("td.col-actor")).to_have_text(["Администратор системы"] * rows.count())
    expect(rows.first.locator("td.col-entity_label")).to_have_text("Приглашение на ТО")
    saved = rows.filter(has=page.locator("ul.audit-changes ins", has_text="+7 495 123-45-67"))
    expect(saved.locator("ul.audit-changes li")).to_have_count(1)  # the phone; the untouched scripts are no change
    expect(rows.filter(has_text="Контрольный звонок через неделю").first).to_be_visible()
    screenshot(page, "day-admin-audit.png")
