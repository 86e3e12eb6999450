"""The API's blueprint class: bad input is 400 (SPEC §5.1); 422 is kept for "a rule forbids it".

The parser turns every body it cannot read (not JSON, not UTF-8, nested too deeply, a NUL in a string,
an id past the INTEGER range) into a 400 in the API's error format, before any schema or view runs.
Every route documents the errors it can answer: 401 and 403 (the token and its roles), 404 when the
path names a row, 400 when it reads arguments, and the 409/422 its view declares in `errors=`.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from flask_babel import gettext
from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import BadRequest

from app.domain.input_limits import json_problem


def _bad_body(message: str, field: str = "_body"):
    """400 naming the field at fault, or `_body` when the body as a whole cannot be read."""
    error = BadRequest(description=message)
    error.data = {"messages": {"json": {field: [message]}}}
    raise error


class BadInputParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400

    def load_json(self, req, schema):
        try:
            data = self._raw_load_json(req)
        except json.JSONDecodeError as exc:
            if exc.doc == "":
                return core.missing
            if isinstance(exc.__cause__, UnicodeDecodeError):
                _bad_body(gettext("The request body is not valid UTF-8."))
            _bad_body(gettext("The request body is not valid JSON: %(problem)s.", problem=exc.msg))
        except RecursionError:
            _bad_body(gettext("The request body is nested too deeply."))
        if data is core.missing:
            return data
        problem = json_problem(data)
        if problem:
            field, msgid = problem
            field = field[:64]
            _bad_body(gettext("The field «%(field)s» %(problem)s.", field=field, problem=gettext(msgid)), field)
        return data


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = BadInputParser()

    def route(self, rule, *, parameters=None, tags=None, errors: tuple[int, ...] = (), **options):
        """`errors`: the statuses besides 400/401/403/404 the view answers (409 conflict, 422 a rule)."""
        register = super().route(rule, parameters=parameters, tags=tags, **options)

        def decorator(view):
            statuses = set(errors)
            if getattr(view, "allowed_roles", None) is not None:
                statuses |= {401, 403}
            if "<" in rule:
                statuses.add(404)
            documented = view
            for status in sorted(statuses, reverse=True):
                documented = self.alt_response(status, response=HTTPStatus(status).name)(documented)
            register(documented)
            return view

        return decorator
