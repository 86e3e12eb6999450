"""CSV import of a catalog: every row validated by the catalog's own form; all rows or none."""

from __future__ import annotations

import csv
import io

from flask import flash, redirect, request
from flask_babel import gettext
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField
from wtforms.validators import ValidationError

MAX_IMPORT_BYTES = 2 * 1024 * 1024
FALSE_WORDS = {"", "0", "false", "no", "n", "нет", "ложь"}


def _read_rows(raw: bytes) -> list[dict[str, str]]:
    text = raw.decode("utf-8-sig")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def _formdata(form_class, row: dict[str, str], fields: tuple[str, ...]) -> MultiDict:
    data = MultiDict()
    probe = form_class()
    for name in fields:
        if name not in row:
            continue
        value = row[name]
        if isinstance(probe[name], BooleanField):
            if value.lower() not in FALSE_WORDS:
                data[name] = "y"
        else:
            data[name] = value
    return data


def import_rows(view, rows: list[dict[str, str]]) -> tuple[int, list[str]]:
    """Validate and apply every row in one transaction; returns (count, row-numbered errors)."""
    session = view.db_session
    fields = view.importable_fields()
    headers = view.export_header_fields()  # an export's titles («Наименование») read back as the fields
    rows = [{headers.get(key, key): value for key, value in row.items()} for row in rows]
    errors: list[str] = []
    imported = 0
    unknown = sorted(set(rows[0]) - set(fields) - {"id", "code", "sort_order"}) if rows else []
    if unknown:
        return 0, [gettext("Unknown columns: %(names)s. Allowed: %(allowed)s.",
                           names=", ".join(unknown), allowed=", ".join(("id", *fields)))]
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        raw_id = row.get("id", "")
        obj = None
        if raw_id:
            obj = session.get(view.model, int(raw_id)) if raw_id.isdigit() else None
            if obj is None:
                errors.append(gettext("Row %(n)s: no record with id %(id)s.", n=number, id=raw_id))
                continue
        form_class = view._edit_form_class if obj is not None else view._create_form_class
        present = tuple(name for name in fields if name in row)
        form = form_class(formdata=_formdata(form_class, row, present), obj=obj)
        for name in list(form._fields):
            if name not in present:
                del form[name]
        if not view.validate_form(form):
            for name, messages in form.errors.items():
                label = form[name].label.text if name in form else name
                for message in messages if isinstance(messages, list) else [messages]:
                    errors.append(gettext("Row %(n)s, %(field)s: %(message)s", n=number, field=label, message=message))
            continue
        is_created = obj is None
        if is_created:
            obj = view.build_new_instance()
            session.add(obj)
        form.populate_obj(obj)
        try:
            view.on_model_change(form, obj, is_created)
        except ValidationError as exc:
            errors.append(gettext("Row %(n)s: %(message)s", n=number, message=str(exc)))
            continue
        session.flush()
        imported += 1
    if errors:
        session.rollback()
        return 0, errors
    session.commit()
    return imported, []


def handle_import(view):
    errors: list[str] = []
    if request.method == "POST":
        upload = request.files.get("file")
        raw = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
        if not raw:
            errors = [gettext("Choose a CSV file to import.")]
        elif len(raw) > MAX_IMPORT_BYTES:
            errors = [gettext("The file is larger than 2 MB.")]
        else:
            try:
                rows = _read_rows(raw)
            except UnicodeDecodeError:
                rows, errors = [], [gettext("The file is not UTF-8 text. Save it as «CSV UTF-8».")]
            if not errors and not rows:
                errors = [gettext("The file has no rows below the header.")]
            if not errors:
                count, errors = import_rows(view, rows)
                if not errors:
                    flash(gettext("%(num)s rows imported.", num=count), "success")
                    return redirect(view.get_url(".index_view"))
    return view.render(
        "admin/catalog/import.html",
        errors=errors,
        columns=("id", *view.importable_fields()),
        status=400 if errors else 200,
    ), (400 if errors else 200)
