"""One guard at the door: values no column can hold answer 400 naming the field, never a 500.

Checked for every request before any view runs: NUL characters (PostgreSQL refuses them in text)
and row ids past the INTEGER range, in query strings and form bodies; integer path segments are
bounded by the `int` URL converter. The API validates its JSON bodies with its schemas; the
handlers at the bottom are the last line for anything a schema or form still lets through.
"""

from __future__ import annotations

import logging

from flask import Flask, request
from flask_babel import gettext
from sqlalchemy.exc import DataError, StatementError
from werkzeug.routing import IntegerConverter

from app.domain.input_limits import INT32_MAX, first_problem

log = logging.getLogger(__name__)


class BoundedIntConverter(IntegerConverter):
    """`<int:id>` matches only ids an INTEGER column can hold; larger ones are simply not found."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", INT32_MAX)
        super().__init__(map, *args, **kwargs)


def _check_request():
    items = [*request.args.items(multi=True)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        items += [*request.form.items(multi=True)]
    problem = first_problem(items)
    if problem:
        from app.errors import render_error

        field, msgid = problem
        field = field[:64]
        message = gettext("The field «%(field)s» %(problem)s.", field=field, problem=gettext(msgid))
        return render_error(400, message, {field: message})
    return None


def _bad_value(error: Exception):
    """A value the database refused (too long, out of range): the request was wrong, not the server."""
    from app.errors import render_error
    from app.extensions import db

    db.session.rollback()
    log.warning("value refused by the database: %s", str(error).splitlines()[0][:300])
    return render_error(400, gettext("A value is too long or out of range. Check the form and try again."))


def _statement_error(error: StatementError):
    if isinstance(error.orig, OverflowError | DataError) or isinstance(error, DataError):
        return _bad_value(error)
    raise error


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_check_request)
    app.register_error_handler(DataError, _bad_value)
    app.register_error_handler(OverflowError, _bad_value)
    app.register_error_handler(StatementError, _statement_error)
