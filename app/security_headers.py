"""Security headers on every response: a nonce-based Content-Security-Policy, no framing, no MIME
sniffing, same-origin referrers, and no caching of anything a signed-in user or an API token sees.

The policy is the second line behind escaping: should markup ever slip into a page, the browser
still refuses to run an inline script or handler without this request's nonce, to load code from
elsewhere, to post a form to another site, or to show the page inside someone else's frame.

Styles follow the same rule as scripts: there is no `'unsafe-inline'` and no `style-src-attr` exception, so
markup may not carry `style=""` attributes (layout lives in static/css/app.css). Scripts may still set
styles through the DOM (`element.style`, jQuery's `.css()`), which the policy does not govern; Bootstrap,
select2 and the date picker rely on that. Inline behaviour is the same: no `on*=` handlers and no
`javascript:` links in our markup; static/js/admin.js serves `data-*` attributes instead.
tests/browser/test_csp.py proves every role's pages run without a single violation.
"""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from flask_login import current_user

POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'nonce-{nonce}'; "
    "img-src 'self' data:; "  # Bootstrap's CSS draws its select arrows and validation icons as data: SVGs
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
STATIC_ENDPOINTS = frozenset({"static", "admin.static"})


def csp_nonce() -> str:
    """This request's nonce: the same value for every tag of the page and for the header."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def _signed_in() -> bool:
    return g.get("api_user") is not None or bool(current_user and current_user.is_authenticated)


def _add_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = POLICY.format(nonce=csp_nonce())
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    static = request.endpoint in STATIC_ENDPOINTS or (request.endpoint or "").endswith(".static")
    if not static and _signed_in():
        # Personal data must not stay in the browser's or a proxy's cache after logging out.
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers.pop("Pragma", None)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
