"""The service administrator who calls, for every desk test."""

from __future__ import annotations

import pytest


@pytest.fixture
def operator(make_user):
    return make_user("service_admin", username="operator")
