"""No form answers 500 (security issue 11, QUALITY B4.7): every POST route of the pages — each
Flask-Admin model view's create, edit, delete, action and inline-edit forms, and every form of our own
pages (client card, desk, traffic, appeals, leads, regulation settings, second factor, log-in) — gets
Hypothesis-generated bodies: random text, NUL, 10 000 characters, text exactly at and one past the
column's length, `%` and `_`, markup, numbers that are not numbers (`1e309`, `NaN`, `²`, past the
INTEGER range), impossible dates, choices outside the choices, empty and missing fields. Posted as an
admin and as a staff member of another role, on both databases, derandomized.

Every answer is one of ALLOWED; a refused form (200/400/409/422) is shown again with a message; a
refused request saves nothing (row counts of every table unchanged, the audit log aside); no form saves
a text longer than its column (SQLite would keep it).

The table of forms: the model views' forms come from `admin._views` themselves (the WTForms class of
create and edit on a real row, delete, actions, inline-editable columns), so a new view is covered
without touching this test; a bounded crawl of the admin adds every `<form method="post">` of our own
pages with its action and fields; POST routes still without a form get the fields their view reads
(from its source and its WTForms class). Every POST rule outside the API (fuzzed by the contract test)
must be covered, or be in NOT_FUZZED with its reason. The figures go to the run's "fuzz figures"
summary (tests/conftest.py)."""

from __future__ import annotations

import re
import traceback
from collections import Counter, defaultdict
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from catalogs.models import ContactGoal
from tests import factories as f
from tests.factories import msk

ALLOWED = {200, 302, 400, 403, 404, 405, 409, 422}
MAX_EXAMPLES = 5
NOT_FUZZED = {
    "auth.logout": "ends the session the rest of the run posts with (it takes no fields)",
}
# Forms that change who may do what run last, so they cannot lock the rest of the run out.
LAST = ("/admin/user/", "/admin/2fa/", "/admin/regulations/")
OTHER_ROLES = ("reception", "service_advisor", "call_center", "sales_manager", "supervisor", "service_admin")
NASTY = ["", " ", "\x00", "a\x00b", "%", "_", "%_\\", "<script>alert(1)</script>", "x" * 10_000, "й" * 300,
         "1e309", "NaN", "Infinity", "-Infinity", "-1", "0", "2147483648", "-2147483649",
         "99999999999999999999", "²", "1.5", "1,5", "9999-12-31", "0000-00-00", "2026-02-30",
         "9999-12-31T23:59", "0001-01-01 00:00", "25:61", "true", "null", "[]", "💥", "' OR 1=1 --"]
FIGURES: dict[str, Counter] = defaultdict(Counter)


class FormParser(HTMLParser):
    """Every form of a page: method, action, and per field name its value and its options."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select", "button") and a.get("name"):
            field = self._form["fields"].setdefault(a["name"], {"value": "", "options": []})
            if tag == "input" and a.get("type") in ("checkbox", "radio"):
                field["options"].append(a.get("value") or "y")
            elif a.get("value") is not None:
                field["value"] = a["value"]
            if tag == "select":
                self._select = a["name"]
        elif tag == "option" and self._form is not None and self._select:
            self._form["fields"][self._select]["options"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@pytest.fixture
def world(app, session, clock, make_user):
    """A client with a car, a booking, a traffic record and a lead, and a user per role."""
    from desk import service as desk
    from leads import service as leads
    from traffic import service as traffic

    clock.set(msk(2026, 11, 23, 12, 5))
    client = f.client(session, clock, "Зубков Алексей", phones=["+7 (908) 4944434"], emails=["z@example.com"],
                      cars=[{"make_model": "TOYOTA COROLLA", "plate": "n123ap"}])
    users = {role: make_user(role, username=f"fuzz-{role}") for role in ("admin", *OTHER_ROLES)}
    desk.create_booking(session, desk.BookingDraft(
        client_id=client.id, car_id=client.cars[0].id, advisor_id=users["service_advisor"].id,
        start_at=msk(2026, 11, 24, 10, 0),
        works=[desk.catalog_work_line(session, work_id=None, name="ТО-1", hours=None, price=None)]),
        actor_id=None, clock=clock)
    goal = session.scalars(select(ContactGoal).where(ContactGoal.show_in_list.is_(True))).first()
    traffic.register(session, traffic.TrafficDraft(channel="call", goal_id=goal.id, client_id=client.id),
                     actor_id=None, clock=clock)
    leads.create_lead(session, leads.LeadDraft(client_id=client.id, interest="Camry"), actor_id=None, clock=clock)
    f.work_order(session, clock, client)
    f.reservation(session, clock, client)
    f.work_sheet(session, clock, client)
    f.repair_visit(session, clock, client)
    return users


def _endpoint(app, url: str, method: str = "POST") -> str | None:
    parts = urlsplit(url)
    try:
        endpoint, _ = app.url_map.bind("localhost").match(parts.path, method=method)
    except Exception:  # noqa: BLE001 - not a route, or not for this method
        return None
    return endpoint


def _crawl(app, client, start: list[str], limit: int = 400) -> list[dict]:
    """Forms posting to the app, found on the pages reachable from `start` (admin pages only)."""
    seen, queue, forms = set(), list(start), {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        parser = FormParser()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            if form["method"] != "post":
                continue
            action = urljoin(url, form["action"] or url)
            key = (urlsplit(action).path, tuple(sorted(form["fields"])))
            forms.setdefault(key, {"url": action, "fields": form["fields"]})
        for link in parser.links:
            target = urljoin(url, link)
            path = urlsplit(target).path
            if (path.startswith("/admin/") and target not in seen and "export" not in path
                    and not re.search(r"[?&](page|sort|flt\d|search|desc)=", target)):
                queue.append(target.split("#")[0])
    return list(forms.values())


def _column(model, name: str):
    table = getattr(model, "__table__", None)
    return table.columns.get(name) if table is not None else None


def _field_info(model, field) -> dict:
    """What the fuzzer needs of one WTForms field: its choices and the column's length."""
    raw = getattr(field, "choices", None)
    choices = [str(value) for value, *_ in raw] if raw and not callable(raw) and not isinstance(raw, dict) else []
    column = _column(model, field.name)
    length = getattr(getattr(column, "type", None), "length", None)
    return {"value": "", "options": choices, "length": length if isinstance(length, int) else None}


def _model_view_forms(app, user, forms: list[dict]) -> int:
    """Every form of every Flask-Admin model view, from the views themselves (so a new view is covered
    without touching this test): create and edit (the WTForms form class of the view, on a real row),
    delete, the bulk actions and each inline-editable column. Returns the number of model views."""
    from flask import url_for
    from flask_admin.model import BaseModelView
    from flask_login import login_user

    from app.extensions import db

    admin = app.extensions["admin"]
    admin = admin[0] if isinstance(admin, list) else admin
    by_url = {form["url"]: form for form in forms}
    views = 0

    def add(url: str, fields: dict, kind: str) -> None:
        form = by_url.get(url)
        if form is None:
            form = by_url[url] = {"url": url, "fields": {}}
            forms.append(form)
        form["kind"] = kind
        for name, info in fields.items():
            form["fields"].setdefault(name, info)
            form["fields"][name].setdefault("length", info.get("length"))

    for view in admin._views:
        if not isinstance(view, BaseModelView):
            continue
        views += 1
        with app.test_request_context():
            login_user(user)
            row = db.session.scalars(select(view.model).limit(1)).first()
            pk = str(view.get_pk_value(row)) if row is not None else "1"
            if view.can_create:
                add(url_for(f"{view.endpoint}.create_view"),
                    {field.name: _field_info(view.model, field) for field in view.create_form()}, "model")
            if view.can_edit and row is not None:
                add(url_for(f"{view.endpoint}.edit_view", id=pk),
                    {field.name: _field_info(view.model, field) for field in view.edit_form(obj=row)}, "model")
            if view.can_delete:
                add(url_for(f"{view.endpoint}.delete_view"), {"id": {"value": pk, "options": []}}, "model")
            if view._actions:
                add(url_for(f"{view.endpoint}.action_view"),
                    {"action": {"value": view._actions[0][0], "options": [name for name, _ in view._actions]},
                     "rowid": {"value": pk, "options": []}}, "model")
            for column in view.column_editable_list or ():
                name = column if isinstance(column, str) else getattr(column, "key", str(column))
                add(url_for(f"{view.endpoint}.ajax_update") + f"#{name}",
                    {"list_form_pk": {"value": pk, "options": []},
                     name: {"value": "", "options": [], "length": _field_info(view.model, type("F", (), {
                         "name": name, "choices": None})).get("length")}}, "ajax")
    return views


_READS = re.compile(r"""(?:form|request\.form|request\.values)(?:\.get|\.getlist|\[)\(?["'](\w+)["']""")


def _source_forms(app, forms: list[dict], skip: set[str]) -> None:
    """POST routes no page showed a form for (their page needs a state the small world lacks): the
    fields their view reads (from its source, and its WTForms form class), posted to the route with
    small ids."""
    import inspect

    from wtforms import Form
    from wtforms.fields.core import UnboundField

    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/") or rule.endpoint in skip:
            continue
        view = app.view_functions[rule.endpoint]
        target = getattr(view, "__wrapped__", view)
        try:
            source = inspect.getsource(target)
        except (OSError, TypeError):
            source = ""
        fields = {name: {"value": "", "options": []} for name in _READS.findall(source)}
        for name in re.findall(r"\b([A-Z]\w*Form)\(", source):
            form_class = getattr(inspect.getmodule(target), name, None)
            if isinstance(form_class, type) and issubclass(form_class, Form):
                for attr in dir(form_class):
                    if isinstance(getattr(form_class, attr, None), UnboundField):
                        fields.setdefault(attr, {"value": "", "options": []})
        url = rule.build({arg: 1 for arg in rule.arguments}, append_unknown=False)[1] if rule.arguments \
            else rule.rule
        forms.append({"url": url, "fields": fields, "kind": "source"})


def _value(field: dict) -> st.SearchStrategy:
    options = [st.just(field["value"]), st.sampled_from(NASTY),
               st.text(st.characters(exclude_categories=("Cs",)), max_size=40)]
    if field["options"]:
        options.append(st.sampled_from(field["options"]))
    if field.get("length"):  # the column's limit: exactly at it (must pass) and one past it (must be refused)
        length = field["length"]
        options.append(st.sampled_from(["ж" * length, "x" * (length + 1), "⑳" * length]))
    return st.one_of(options)


def _body(fields: dict) -> st.SearchStrategy:
    """Each field present with a value (real, nasty or random) or missing."""
    return st.fixed_dictionaries({}, optional={name: _value(field) for name, field in fields.items()})


# A refused form is shown again with its message: a field's (`invalid-feedback`), a flash, or the error
# page's explanation.
MESSAGE = re.compile(r'invalid-feedback|alert alert-(danger|warning)|<h1 class="h3">\d{3} — [^<]+</h1>\s*<p>')
SAVED_ANYWAY = ("audit_entry",)  # a refused request may be audited (ASVS 7.2.2), nothing else is written


def _row_counts(db) -> dict[str, int]:
    from sqlalchemy import text

    tables = [table.name for table in db.metadata.sorted_tables if table.name not in SAVED_ANYWAY]
    query = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{name}")' for name in tables)
    return dict(zip(tables, db.session.execute(text(query)).one(), strict=True))


def _over_long(db) -> list[str]:
    """Stored texts longer than their column (SQLite keeps them; PostgreSQL would have refused them):
    every form must check a length against the column before saving."""
    from sqlalchemy import String, func
    from sqlalchemy import select as sa_select

    checks = [(f"{table.name}.{column.name}", func.count().filter(func.length(column) > column.type.length))
              for table in db.metadata.sorted_tables for column in table.columns
              if isinstance(column.type, String) and column.type.length]
    found = []
    for table in db.metadata.sorted_tables:
        mine = [(name, expr) for name, expr in checks if name.startswith(table.name + ".")]
        if mine:
            counts = db.session.execute(sa_select(*[expr for _, expr in mine]).select_from(table)).one()
            found += [name for (name, _), n in zip(mine, counts, strict=True) if n]
    return found


def _clip(db) -> None:
    """Cut what a form saved too long, so the next form's check starts clean."""
    from sqlalchemy import String, func, update

    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length:
                db.session.execute(update(table).where(func.length(column) > column.type.length)
                                   .values({column.name: func.substr(column, 1, column.type.length)}))
    db.session.commit()


def _two_factor_user(session, make_user):
    """A user with a second factor, whose password was accepted a moment ago (the code page's state)."""
    import pyotp

    user = make_user("reception", username="fuzz-2fa")
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = True
    session.commit()
    return user


def test_no_form_answers_a_server_error(app, session, world, login, make_user, clock, db_kind,
                                        record_fuzz_figures):
    from app.auth import PENDING
    from app.extensions import db

    figures = Counter()
    group = f"form-fuzz {db_kind}"
    admin = world["admin"]
    crawler = login(admin)
    forms = _crawl(app, crawler, ["/admin/", "/login", *[
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.rule.startswith("/admin/") and "<" not in rule.rule
        and "export" not in rule.rule]])
    forms.append({"url": "/login", "fields": {"username": {"value": "fuzz-admin", "options": []},
                                             "password": {"value": "password123", "options": []},
                                             "remember": {"value": "y", "options": []}}})
    model_views = _model_view_forms(app, admin, forms)
    forms = [form for form in forms if _endpoint(app, form["url"].split("#")[0]) not in NOT_FUZZED]
    _source_forms(app, forms, {_endpoint(app, form["url"].split("#")[0]) for form in forms} | set(NOT_FUZZED))
    forms.sort(key=lambda form: urlsplit(form["url"]).path.startswith(LAST))
    posted = {_endpoint(app, form["url"].split("#")[0]) for form in forms}
    uncovered = sorted(rule.endpoint for rule in app.url_map.iter_rules()
                       if "POST" in rule.methods and not rule.rule.startswith("/api/")
                       and rule.endpoint not in posted and rule.endpoint not in NOT_FUZZED)
    two_factor = _two_factor_user(session, make_user)
    failures: list[str] = []
    turn = Counter()

    def fuzz(form: dict) -> None:
        url = form["url"].split("#")[0]
        endpoint = _endpoint(app, url)
        own_page = not endpoint.split(".")[-1].endswith(("_view", "ajax_update")) or endpoint == "auth.login"
        figures[f"{group} forms"] += 1

        def client_for(role: str):
            if endpoint == "auth.login":
                return app.test_client()
            if endpoint == "auth.second_factor":
                client = app.test_client()
                with client.session_transaction() as cookie:
                    cookie[PENDING] = {"user": two_factor.id, "token": two_factor.session_token,
                                       "remember": False, "next": None, "at": clock.now().timestamp()}
                return client
            return login(world[role])

        @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(body=_body(form["fields"]))
        def post(body):
            roles = ["admin"]
            if own_page:  # our pages check roles themselves: one other role in turn
                roles.append(OTHER_ROLES[turn[endpoint] % len(OTHER_ROLES)])
                turn[endpoint] += 1
            for role in roles:
                client = client_for(role)
                before = _row_counts(db)
                response = None
                try:
                    response = client.post(url, data=body)
                    status = response.status_code
                except Exception:  # noqa: BLE001 - TESTING propagates what would be a 500
                    status = 500
                    failures.append(f"{url} as {role} with {body!r:.600}\n{traceback.format_exc(limit=-4)}")
                db.session.rollback()
                figures[f"{group} requests"] += 1
                figures[f"{group} {status // 100}xx"] += 1
                if status == 500:
                    continue
                if status not in ALLOWED:
                    failures.append(f"{url} as {role}: {status} with {body!r:.300}")
                    continue
                if status in (200, 400, 409, 422) and form.get("kind") != "ajax" \
                        and not MESSAGE.search(response.get_data(as_text=True)):
                    failures.append(f"{url} as {role}: {status} without a message, with {body!r:.300}")
                if status in (400, 403, 404, 409, 422) or (status == 200 and form.get("kind") == "model"):
                    after = _row_counts(db)
                    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
                    if changed:
                        failures.append(f"{url} as {role}: {status} but rows were saved {changed}, "
                                        f"with {body!r:.300}")

        post()
        too_long = _over_long(db)
        if too_long:
            failures.append(f"{url}: saved text longer than its column in {too_long}")
            _clip(db)

    for form in forms:
        fuzz(form)

    figures[f"{group} model-views"] = model_views
    record_fuzz_figures(figures)
    line = (f"form fuzz on {db_kind}: {figures[group + ' forms']} forms ({model_views} model views), "
            f"{figures[group + ' requests']} requests; "
            + ", ".join(f"{key} {figures[f'{group} {key}']}" for key in ("2xx", "3xx", "4xx", "5xx"))
            + f"; POST routes without a form: {uncovered or 'none'}")
    print(line)
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures[:25])
    assert not uncovered, line
