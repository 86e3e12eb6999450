"""The API's blueprint class: bad input is 400 (SPEC §5.1); 422 is kept for "a rule forbids it"."""

from __future__ import annotations

from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser


class BadInputParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = BadInputParser()
