"""Marshmallow schemas of the API contract (SPEC §5.1)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


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
    cursor = fields.Str(load_default=None, allow_none=True)


class ErrorSchema(Schema):
    class _Error(Schema):
        code = fields.Str()
        message = fields.Str()
        fields = fields.Dict(keys=fields.Str(), values=fields.Str())

    error = fields.Nested(_Error)
