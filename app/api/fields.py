"""Input fields of the API schemas, bounded by the columns the values go to (SPEC §5.1, security issue 11).

Every id is a positive INTEGER, every text fits its String column (the length is read from the model, so
it cannot drift), every amount fits its Numeric(precision, scale) column and is finite, every moment is
an aware date-time the database and `datetime` arithmetic can hold. A value outside is a 400 naming the
field; nothing reaches the database for it to refuse.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from marshmallow import ValidationError, fields, validate

from app.domain.input_limits import INT32_MAX, INT32_MIN

# Moments and days the API accepts: far beyond any booking or report, far inside what
# `datetime` arithmetic (adding hours, converting zones) and both databases can hold.
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def column_of(attribute: Any):
    """The table column behind a mapped attribute (`Traffic.phone`)."""
    return attribute.property.columns[0]


def column_length(attribute: Any) -> int:
    """The length of a String column: the longest text the schema may accept for it."""
    length = column_of(attribute).type.length
    if length is None:
        raise TypeError(f"{attribute} has no length")
    return length


def Id(**kwargs: Any) -> fields.Integer:  # noqa: N802 - a field factory, used like a field class
    """A row id: a positive INTEGER (the reference itself is checked by the service)."""
    kwargs.setdefault("validate", validate.Range(min=1, max=INT32_MAX))
    return fields.Integer(**kwargs)


def Int32(*, min: int = INT32_MIN, max: int = INT32_MAX, **kwargs: Any) -> fields.Integer:  # noqa: A002, N802
    """A whole number an INTEGER column can hold (narrowed by `min`/`max`)."""
    kwargs.setdefault("validate", validate.Range(min=min, max=max))
    return fields.Integer(**kwargs)


# Text without NUL: PostgreSQL cannot store it, and the request guard refuses it anywhere in a request
# (app/input_guard.py, ApiBlueprint's parser), so the document says so for every text it reads.
NO_NUL_PATTERN = r"^[^\u0000]*$"


def Str(**kwargs: Any) -> fields.String:  # noqa: N802 - a field factory, used like a field class
    """A free text argument (a search term, a cursor): any characters but NUL."""
    kwargs["metadata"] = {"pattern": NO_NUL_PATTERN, **kwargs.get("metadata", {})}
    return fields.String(**kwargs)


def Text(attribute: Any = None, *, max_length: int | None = None, **kwargs: Any) -> fields.String:  # noqa: N802
    """Text for a String column (its length is the limit) or for a Text column (`max_length` given);
    never NUL."""
    limit = max_length if max_length is not None else column_length(attribute)
    minimum = kwargs.pop("min_length", None)
    validators = [validate.Length(min=minimum, max=limit)]
    extra = kwargs.pop("validate", None)
    if extra is not None:
        validators.extend(extra if isinstance(extra, list | tuple) else [extra])
    return Str(validate=validators, **kwargs)


class JsonBool(fields.Boolean):
    """A JSON `true`/`false` in a body: not 0/1 or "yes" (marshmallow's default truthy sets), as the
    document's `type: boolean` says."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Amount(fields.Decimal):
    """A finite decimal that fits a Numeric(precision, scale) column; read from and written as a string
    ("1500.00"), a JSON number is accepted too."""

    def __init__(self, attribute: Any, *, minimum: Decimal | int = 0, **kwargs: Any) -> None:
        numeric = column_of(attribute).type
        self.precision, self.scale = numeric.precision, numeric.scale
        step = Decimal(1).scaleb(-self.scale)
        self.maximum = Decimal(10) ** (self.precision - self.scale) - step
        integer_digits = self.precision - self.scale
        sign = "-?" if minimum < 0 else ""
        metadata = {
            "type": "string", "format": "decimal",
            "pattern": rf"^{sign}[0-9]{{1,{integer_digits}}}(\.[0-9]{{1,{self.scale}}})?$",
            "example": format(Decimal(100).quantize(step), "f"),
            **kwargs.pop("metadata", {}),
        }
        self.minimum = Decimal(minimum)
        metadata.setdefault("description", f"from {self.minimum} to {self.maximum}")
        super().__init__(places=self.scale, as_string=True, allow_nan=False, metadata=metadata, **kwargs)

    def _validated(self, value):
        # The bounds are checked here, not by a Range validator, so the document keeps `type: string`.
        number = super()._validated(value)
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(gettext("Must be between %(min)s and %(max)s.", min=self.minimum,
                                          max=self.maximum))
        return number


# The year as written, 1900 to 2199: the document says it with a pattern next to the format, so a
# generated or hand-written value the document allows is one the server accepts, and the other way round.
YEAR_PATTERN = r"^(19|2[01])[0-9]{2}-"


def _inside(value: dt.date) -> bool:
    return EARLIEST.year <= value.year < LATEST.year


def _outside_error() -> ValidationError:
    return ValidationError(gettext("The date must be between %(min)s and %(max)s.",
                                   min=EARLIEST.year, max=LATEST.year - 1))


class Moment(fields.AwareDateTime):
    """An ISO 8601 date-time with offset, in the years 1900 to 2199 as written (a day's offset away from
    the ends is still far inside what `datetime` arithmetic and both databases hold)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"pattern": YEAR_PATTERN, "description": "a date-time with offset, years 1900–2199",
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not _inside(moment):
            raise _outside_error()
        return moment


class Day(fields.Date):
    """A calendar day between 1900 and 2199."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"pattern": YEAR_PATTERN, "description": "a day, years 1900–2199", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not _inside(day):
            raise _outside_error()
        return day
