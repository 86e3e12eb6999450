"""Demo users for every role and a little demo data, through the services."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.domain.roles import Role
from app.models.user import User
from app.services.users import create_user
from catalogs import models as cm

DEMO_PASSWORD = "demo12345"
DEMO_CLOCK = FixedClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))

DEMO_USERS = (
    ("admin", "Администратор системы", (Role.ADMIN,)),
    ("reception", "Анна Ресепшн", (Role.RECEPTION,)),
    ("sales", "Владимир Петухов", (Role.SALES_MANAGER,)),
    ("sales2", "Елена Кузнецова", (Role.SALES_MANAGER,)),
    ("advisor", "Сергей Смирнов", (Role.SERVICE_ADVISOR,)),
    ("advisor2", "Игорь Волков", (Role.SERVICE_ADVISOR,)),
    ("service", "Мария Оператор", (Role.SERVICE_ADMIN,)),
    ("callcenter", "Ольга Иванова", (Role.CALL_CENTER,)),
    ("supervisor", "Михаил Николаевич", (Role.SUPERVISOR,)),
)

DEMO_WORKS = (
    ("ТО-1 (масло, фильтры)", "1.50", "6500.00"),
    ("Замена тормозных колодок (ось)", "1.00", "3200.00"),
    ("Диагностика ходовой части", "0.50", "1500.00"),
    ("Шиномонтаж (4 колеса)", "1.00", "2800.00"),
    ("Замена ремня ГРМ", "3.00", "12500.00"),
    ("Компьютерная диагностика", "0.50", "1800.00"),
)

SPECIALISTS = {
    "call_showroom_new_car": ("sales", "sales2"),
    "visit_showroom_new_car": ("sales", "sales2"),
    "call_service_repair": ("advisor", "advisor2"),
    "visit_service_repair": ("advisor", "advisor2"),
    "call_parts": ("advisor",),
}


def install_demo(session: Session) -> list[tuple[str, list[str]]]:
    """Idempotent: existing demo users and works are left alone."""
    created = []
    for username, full_name, roles in DEMO_USERS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(session, username=username, password=DEMO_PASSWORD, roles=[r.value for r in roles],
                               full_name=full_name, clock=DEMO_CLOCK)
        created.append((username, sorted(user.role_codes)))
    if session.scalar(select(cm.Work.id).limit(1)) is None:
        for position, (name, hours, price) in enumerate(DEMO_WORKS, start=1):
            session.add(cm.Work(name=name, standard_hours=Decimal(hours), price=Decimal(price),
                                sort_order=position * 10, show_in_list=True, predefined=False, version=1))
    for code, usernames in SPECIALISTS.items():
        goal = session.scalar(select(cm.ContactGoal).where(cm.ContactGoal.code == code))
        if goal is not None and not goal.specialists:
            goal.specialists = list(session.scalars(select(User).where(User.username.in_(usernames))))
    session.commit()
    return created
