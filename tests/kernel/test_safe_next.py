"""is_safe_next: the one check every redirect target taken from a request goes through."""

from __future__ import annotations

import pytest

from app.auth import is_safe_next


@pytest.mark.parametrize("target", [
    "/", "/admin/", "/admin/lossreason/?page=2&sort=1", "/admin/client/?search=%D0%98%D0%B2", "/clients/12#events",
    "/admin/клиенты/", "/a:b", "/login?next=//evil.com",
])
def test_a_same_origin_path_is_followed(target):
    assert is_safe_next(target)


@pytest.mark.parametrize("target", [
    None, "", "admin/", "./admin", "https://evil.com/", "http://evil.com", "HTTP://evil.com",
    "http:/evil.com", "http:///evil.com", "https:evil.com", "//evil.com", "///evil.com", "/\\evil.com",
    "\\\\evil.com", "\\/evil.com", "/admin\\..\\", "javascript:alert(1)", "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>", " /admin/", "\t/admin/", "\n/admin/", "/\t/evil.com",
    "/\n/evil.com", "/\r\n/evil.com", "/admin/\x00", "/admin/\x7f", "/\u200b/evil.com", "/\u00a0/evil.com",
    "/\u2028/evil.com",
])
def test_anything_else_is_refused(target):
    assert not is_safe_next(target)


def test_a_non_string_is_refused():
    assert not is_safe_next(["/admin/"])  # type: ignore[arg-type]
