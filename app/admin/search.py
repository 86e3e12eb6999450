"""List search and AJAX pickers that take the user's text literally.

Flask-Admin's SQLAlchemy views put the search text into ILIKE patterns as typed, so `%` and `_`
act as wildcards (searching «10%» finds «100», a lone «_» finds every row). Here they are escaped
(with `/`, SQLAlchemy's own autoescape character, which needs no quoting on either database).
Flask-Admin's search syntax stays: words must all match (each in any searchable column),
`^word` matches at the start, `=word` the whole value.
"""

from __future__ import annotations

from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.tools import is_association_proxy
from flask_admin.model.ajax import DEFAULT_PAGE_SIZE
from sqlalchemy import Unicode, and_, cast, or_, text

LIKE_ESCAPE = "/"


def escape_like(value: str) -> str:
    """`value` with LIKE's wildcards and the escape character itself made literal."""
    return value.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def like_pattern(term: str) -> str:
    """A search word in Flask-Admin's syntax as an ILIKE pattern (escape LIKE_ESCAPE)."""
    if term.startswith("^"):
        return escape_like(term[1:]) + "%"
    if term.startswith("="):
        return escape_like(term[1:])
    return "%" + escape_like(term) + "%"


def literal_ilike(column, pattern: str):
    return column.ilike(pattern, escape=LIKE_ESCAPE)


class LiteralSearchMixin:
    """For a Flask-Admin `ModelView`: `column_searchable_list` and `form_ajax_refs` search literally."""

    def _apply_search(self, query, count_query, joins, count_joins, search):
        for term in search.split(" "):
            if not term:
                continue
            pattern = like_pattern(term)
            conditions, count_conditions = [], []
            for field, path in self._search_fields:
                query, joins, alias = self._apply_path_joins(query, joins, path, inner_join=False)
                conditions.append(literal_ilike(cast(field if alias is None else getattr(alias, field.key), Unicode),
                                                pattern))
                if count_query is not None:
                    count_query, count_joins, count_alias = self._apply_path_joins(count_query, count_joins, path,
                                                                                   inner_join=False)
                    column = field if count_alias is None else getattr(count_alias, field.key)
                    count_conditions.append(literal_ilike(cast(column, Unicode), pattern))
            query = query.filter(or_(*conditions))
            if count_query is not None:
                count_query = count_query.filter(or_(*count_conditions))
        return query, count_query, joins, count_joins

    def _create_ajax_loader(self, name, options):
        upstream = super()._create_ajax_loader(name, options)  # checks the relation, finds the related model
        return LiteralAjaxModelLoader(name, self.session, upstream.model, **options)


class LiteralAjaxModelLoader(QueryAjaxModelLoader):
    """A `form_ajax_refs` picker: rows whose `fields` contain the typed text, wildcards included."""

    def get_list(self, term, offset=0, limit=DEFAULT_PAGE_SIZE):
        pattern = "%" + escape_like(term or "") + "%"
        query = self.get_query().filter(or_(*(
            literal_ilike(field if is_association_proxy(field) else cast(field, Unicode), pattern)
            for field in self._cached_fields)))
        if self.filters:
            query = query.filter(and_(*(text(f"{self.model.__tablename__.lower()}.{value}") for value in self.filters)))
        if self.order_by:
            query = query.order_by(self.order_by)
        return query.offset(offset).limit(limit).all()
