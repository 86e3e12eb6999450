"""Defence in depth (issue item 2): a nonce-based Content-Security-Policy, no framing, no MIME sniffing and
same-origin referrers on every response; nothing a signed-in user or an API token sees is stored in a cache."""

from __future__ import annotations

import re

import pytest

NONCE_IN_POLICY = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'")
NONCE_ATTRIBUTE = re.compile(r'<(script|link|style)\b[^>]*\bnonce="([^"]+)"')
SCRIPT_TAG = re.compile(r"<script\b[^>]*>")


def policy_nonce(response) -> str:
    match = NONCE_IN_POLICY.search(response.headers["Content-Security-Policy"])
    assert match, response.headers["Content-Security-Policy"]
    return match.group(1)


def assert_hardened(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
                      "frame-ancestors 'none'"):
        assert directive in policy, (directive, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_signed_in_html_page_is_hardened_and_never_cached(admin_client):
    response = admin_client.get("/admin/trafficjournal/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert_hardened(response)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/admin/", "/admin/clients/", "/admin/traffic/", "/admin/desk/", "/admin/user/new/"])
def test_every_script_tag_of_a_page_carries_this_requests_nonce(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200, path
    page = response.get_data(as_text=True)
    nonce = policy_nonce(response)
    scripts = SCRIPT_TAG.findall(page)
    assert scripts, path
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), [t for t in scripts if nonce not in t]
    assert {value for _, value in NONCE_ATTRIBUTE.findall(page)} == {nonce}
    assert response.headers["Cache-Control"] == "no-store"


def test_the_nonce_is_new_for_every_request(admin_client):
    nonces = {policy_nonce(admin_client.get("/admin/")) for _ in range(3)}
    assert len(nonces) == 3
    assert all(len(nonce) >= 22 for nonce in nonces)  # at least 128 bits of randomness


def test_no_page_has_an_inline_handler_style_attribute_or_javascript_link(admin_client):
    for path in ("/admin/", "/admin/clients/", "/admin/traffic/", "/admin/trafficjournal/", "/admin/desk/",
                 "/admin/desk/schedule", "/admin/lossreason/", "/admin/leads/new", "/admin/cadence/new/"):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page), path
        assert not re.search(r"<[a-z][^>]*\sstyle\s*=", page), path
        assert not re.search(r"<style\b(?![^>]*\bnonce=)", page), path


def test_the_login_page_is_hardened_but_may_be_cached_by_nobody_in_particular(app):
    response = app.test_client().get("/login")
    assert response.status_code == 200
    assert_hardened(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")  # nobody is signed in: nothing personal
    page = response.get_data(as_text=True)
    assert not re.search(r"<script\b(?![^>]*\bnonce=)", page)


def test_an_error_page_is_hardened_too(admin_client):
    response = admin_client.get("/admin/no-such-page/")
    assert response.status_code == 404
    assert_hardened(response)


def test_a_json_api_answer_is_hardened_and_never_cached(app, token_for, api):
    response = api("GET", "/api/v1/me", token_for("reception"))
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert_hardened(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_refused_api_call_is_hardened(app):
    response = app.test_client().get("/api/v1/me")
    assert response.status_code == 401 and response.mimetype == "application/json"
    assert_hardened(response)


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/js/admin.js",
                                  "/admin/static/vendor/jquery.min.js"])
def test_static_files_stay_cacheable_for_a_signed_in_user(admin_client, path):
    with admin_client.get(path) as response:
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"  # a script is only ever run as a script
        etag = response.headers["ETag"]
    with admin_client.get(path, headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
