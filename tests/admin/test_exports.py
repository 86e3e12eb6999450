"""Exports: CSV streams every row in batches (the statements do not grow with the rows), XLSX is capped by
EXPORT_XLSX_MAX_ROWS and keeps a formula as text; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from catalogs.models import ContactGoal
from tests.statements import counting_statements
from traffic import service


def _register(session, clock, goal, reception, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        description = "=HYPERLINK(\"http://evil\")" if n == 0 else f"Посетитель {n:03d}"
        service.register(session, service.TrafficDraft(channel="visit", goal_id=goal.id, description=description),
                         actor_id=reception.id, clock=clock)


def _setup(session, make_user):
    goal = session.scalar(select(ContactGoal).where(ContactGoal.code == "visit_showroom_new_car"))
    goal.specialists = [make_user("sales_manager", username="sales1")]
    session.commit()
    return goal, make_user("reception", username="anna")


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.is_streamed
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_journal_csv_streams_every_row_in_batches_with_the_same_statements(app, session, clock, make_user,
                                                                              login):
    app.config["EXPORT_BATCH_ROWS"] = 2  # several batches for a handful of rows
    goal, reception = _setup(session, make_user)
    boss = login(make_user("supervisor"))
    _register(session, clock, goal, reception, 3)
    boss.get("/admin/trafficjournal/")  # what every request then has

    def export() -> tuple[list[list[str]], int]:
        session.expire_all()
        with counting_statements(db.engine) as sent:
            rows = _csv_rows(boss.get("/admin/trafficjournal/export/csv/"))
        return rows, len(sent)

    few, few_statements = export()
    _register(session, clock, goal, reception, 12, start=3)
    many, many_statements = export()
    assert len(few) == 1 + 3 and len(many) == 1 + 15
    assert many_statements == few_statements  # joined, not one query per row
    who = [row[4] for row in many[1:]]
    assert sorted(who) == sorted(["'=HYPERLINK(\"http://evil\")", *(f"Посетитель {n:03d}" for n in range(1, 15))])
    filtered = _csv_rows(boss.get("/admin/trafficjournal/export/csv/?flt0_3=call"))  # the list's filters apply
    assert len(filtered) == 1


def test_the_xlsx_cap_refuses_a_longer_list_and_a_formula_stays_text(app, session, clock, make_user, login):
    goal, reception = _setup(session, make_user)
    boss = login(make_user("supervisor"))
    _register(session, clock, goal, reception, 3)
    app.config["EXPORT_XLSX_MAX_ROWS"] = 2
    refused = boss.get("/admin/trafficjournal/export/xlsx/", follow_redirects=True)
    assert refused.status_code == 200 and "не более 2 строк" in refused.get_data(as_text=True)
    app.config["EXPORT_XLSX_MAX_ROWS"] = 3
    done = boss.get("/admin/trafficjournal/export/xlsx/")
    assert done.status_code == 200 and done.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in done.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(done.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 3 and rows[0][0] == "№"
    evil = next(cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("=HYPERLINK"))
    assert evil.data_type == "s"  # a string cell: Excel shows it, never runs it
