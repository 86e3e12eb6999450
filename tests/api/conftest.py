"""API fixtures: a bearer token for a new user with the given roles."""

from __future__ import annotations

import pytest


@pytest.fixture
def token_for(app, make_user):
    def issue(*roles, username=None):
        user = make_user(*roles, username=username)
        result = app.test_cli_runner().invoke(args=["api-tokens", "create", "--username", user.username])
        assert result.exit_code == 0, result.output
        return result.output.strip().splitlines()[-1]

    return issue


@pytest.fixture
def api(app):
    """api(method, url, token, json=None) → the response."""

    def call(method, url, token, **kwargs):
        return app.test_client().open(url, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)

    return call
