"""Marshmallow schemas of the API contract (SPEC §5.1)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.api.fields import Str


class MeSchema(Schema):
    id = fields.Int(required=True)
    username = fields.Str(required=True)
    roles = fields.List(fields.Str(), required=True)


class CatalogRowSchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    code = fields.Str(allow_none=True, required=True)
    show_in_list = fields.Bool(required=True)
    sort_order = fields.Int(required=True)
    predefined = fields.Bool(required=True)


class CatalogPageSchema(Schema):
    items = fields.List(fields.Nested(CatalogRowSchema), required=True)
    next = fields.Str(allow_none=True, required=True)


class PageArgsSchema(Schema):
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))
    cursor = Str(load_default=None, allow_none=True, validate=validate.Length(max=200),
                        metadata={"description": "the `next` of the previous page"})


class ErrorDetailSchema(Schema):
    code = fields.Str(required=True, metadata={"description": "stable machine code: bad_request, unauthorized, "
                                                              "forbidden, not_found, conflict, validation_failed …"})
    message = fields.Str(required=True, metadata={"description": "what went wrong, in the user's language"})
    fields = fields.Dict(keys=fields.Str(), values=fields.Str(), required=True,
                         metadata={"description": "a message per field at fault (`works.0.hours`); may be empty"})


class ErrorSchema(Schema):
    """The body of every error answer (SPEC §5.1)."""

    error = fields.Nested(ErrorDetailSchema, required=True)
