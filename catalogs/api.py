"""GET /api/v1/catalogs/{name} — a catalog's visible rows in list order, paginated by cursor."""

from __future__ import annotations

from flask import abort

from app.api.auth import api_roles
from app.api.blueprint import ApiBlueprint as Blueprint
from app.api.paging import decode_offset
from app.api.schemas import CatalogPageSchema, PageArgsSchema
from app.domain.roles import ALL_ROLES
from app.extensions import db
from app.services.catalogs import visible_rows
from catalogs.registry import CATALOGS

blp = Blueprint("api_catalogs", __name__, description="Catalogs (справочники)")
blp.url_prefix_suffix = "/catalogs"


def _row(row) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "code": row.code,
        "show_in_list": row.show_in_list,
        "sort_order": row.sort_order,
        "predefined": row.predefined,
    }


@blp.route("/<string:name>")
@api_roles(*ALL_ROLES)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, CatalogPageSchema)
def catalog(args, name: str):
    """Visible rows in list order (sort order, then name); `cursor` is the offset `next` gave."""
    model = CATALOGS.get(name)
    if model is None:
        abort(404, description=f"Unknown catalog {name!r}; known: {', '.join(CATALOGS)}.")
    offset = decode_offset(args["cursor"])
    rows = visible_rows(db.session, model)  # catalogs are small; the list order needs the whole set
    page = rows[offset: offset + args["limit"]]
    more = offset + args["limit"] < len(rows)
    return {"items": [_row(r) for r in page], "next": str(offset + args["limit"]) if more else None}
