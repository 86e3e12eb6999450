"""Blocks that refresh themselves (static/js/live.js): rendered once, with a fingerprint of what was rendered."""

from __future__ import annotations

import hashlib

from flask import render_template


def rendered(template: str, **context) -> tuple[str, str]:
    """The block as HTML and its version: the browser swaps the block only when the version changes."""
    html = render_template(template, **context)
    return html, hashlib.sha256(html.encode()).hexdigest()[:16]
