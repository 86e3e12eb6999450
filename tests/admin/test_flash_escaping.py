"""Flash messages carry user data as text (issue 11 item 1): stored and reflected XSS, and a `%` in a name."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests import factories as f

EVIL = "<img src=x onerror=alert(document.cookie)>"
ESCAPED = "&lt;img src=x onerror=alert(document.cookie)&gt;"


def _page_after(client, response) -> str:
    """The page a redirect lands on (where the flash is shown)."""
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_creator_sees_a_hostile_client_name_as_text(make_user, login):
    staff = login(make_user("reception"))
    page = _page_after(staff, staff.post("/admin/clients/new", data={"name": EVIL, "kind": "person",
                                                                      "phone": "+7 908 111-22-33"}))
    assert EVIL not in page
    assert ESCAPED in page


def test_the_duplicate_contact_warning_shows_another_clients_hostile_name_as_text(session, clock, make_user, login):
    f.client(session, clock, EVIL, phones=["+7 908 494-44-34"])
    victim = f.client(session, clock, "Зубков Алексей")
    staff = login(make_user("call_center"))
    page = _page_after(staff, staff.post(f"/admin/clients/{victim.id}/contacts",
                                         data={"kind": "phone", "value": "+7 908 494-44-34"}))
    assert "onerror=alert" in page  # the warning names the other client…
    assert EVIL not in page  # …as text
    assert ESCAPED in page


def test_a_percent_sign_in_a_flashed_name_is_shown_as_is(make_user, login):
    staff = login(make_user("reception"))
    page = _page_after(staff, staff.post("/admin/clients/new", data={"name": "Скидка 10% Sale", "kind": "person"}))
    assert "Скидка 10% Sale" in page


@pytest.mark.parametrize(("role", "url"), [
    ("reception", "/admin/trafficjournal/"),
    ("service_admin", "/admin/booking/"),
    ("service_advisor", "/admin/repairvisit/"),
    ("admin", "/admin/user/"),
])
def test_an_invalid_filter_value_is_reflected_as_text(make_user, login, role, url):
    staff = login(make_user(role))
    response = staff.get(url + "?flt0_0=" + quote('"><img src=x onerror=alert(1)>'))
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "<img src=x onerror=alert(1)>" not in page
