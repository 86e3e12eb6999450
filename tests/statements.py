"""Count the SQL statements a block of code sends (for the no-N+1 tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def counting_statements(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def page_statements(session, engine, browser, url: str) -> int:
    """The statements one GET of `url` sends as a new request finds the session (nothing loaded); asserts 200."""
    session.expire_all()
    with counting_statements(engine) as sent:
        page = browser.get(url)
    assert page.status_code == 200
    return len(sent)
