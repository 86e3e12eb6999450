"""The admin home's «finish setup» list (issue 13, point 18) and `flask seed predefined` asking for the dealership:
each setting changed, the list and the seed follow. Both databases."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.services.regulations import load_regulations, save_regulations, settings_version
from catalogs.models import ContactGoal


def set_settings(session, **changes):
    save_regulations(session, changes, expected_version=settings_version(session))


def gaps(client) -> list[str]:
    page = client.get("/admin/").get_data(as_text=True)
    return re.findall(r'data-gap="([^"]+)"', page)


def staff_every_goal(session, user):
    for goal in session.scalars(select(ContactGoal)):
        goal.specialists = [user]
    session.commit()


@pytest.fixture
def boss(make_user, session):
    user = make_user("admin", username="boss")
    user.locale = "en"
    session.commit()
    return user


def test_each_missing_thing_is_listed_with_its_link_and_the_block_goes_when_all_is_set(session, boss, login):
    browser = login(boss)
    staff_every_goal(session, boss)
    assert gaps(browser) == []
    assert 'id="finish-setup"' not in browser.get("/admin/").get_data(as_text=True)

    set_settings(session, dealer_name="")
    assert gaps(browser) == ["dealer_name"]
    page = browser.get("/admin/").get_data(as_text=True)
    assert 'id="finish-setup"' in page and 'href="/admin/regulations/#dealer_name"' in page
    set_settings(session, dealer_phone="")
    assert gaps(browser) == ["dealer_name", "dealer_phone"]
    set_settings(session, dealer_name="Автоцентр Север")
    assert gaps(browser) == ["dealer_phone"]
    set_settings(session, dealer_phone="+7 495 000-00-00")
    assert gaps(browser) == []


def test_a_visible_contact_goal_without_an_active_specialist_is_listed(session, boss, login, make_user):
    browser = login(boss)
    staff_every_goal(session, boss)
    goal = session.scalar(select(ContactGoal).where(ContactGoal.code == "call_service_repair"))
    specialist = make_user("service_advisor")
    goal.specialists = []
    session.commit()
    assert gaps(browser) == [f"contact_goal:{goal.id}"]
    page = browser.get("/admin/").get_data(as_text=True)
    assert f"/admin/contactgoal/edit/?id={goal.id}" in page and goal.name in page
    goal.specialists = [specialist]
    session.commit()
    assert gaps(browser) == []
    specialist.active = False  # a dismissed specialist is told nothing
    session.commit()
    assert gaps(browser) == [f"contact_goal:{goal.id}"]
    goal.show_in_list = False  # a hidden goal is never picked: nothing to set up
    session.commit()
    assert gaps(browser) == []


def test_only_admins_see_the_list(session, login, make_user):
    session.scalar(select(ContactGoal)).specialists = []
    session.commit()
    set_settings(session, dealer_phone="")
    page = login(make_user("supervisor")).get("/admin/").get_data(as_text=True)
    assert 'id="finish-setup"' not in page


def test_the_settings_page_says_what_the_windows_mean_and_what_an_empty_dealer_field_does(session, boss, login):
    page = login(boss).get("/admin/regulations/").get_data(as_text=True)
    assert "appeals registered by phone on the client card" in page
    assert "A service request created in the last this many days that ended in refusal" in page
    assert "While it is empty, a message using {dealer_phone} is not sent." in page


# ----- `flask seed predefined`


def seed(app, *args, input=None, env=None):
    return app.test_cli_runner().invoke(args=["seed", "predefined", *args], input=input, env=env or {})


@pytest.fixture
def unset(session):
    set_settings(session, dealer_name="", dealer_phone="")


def test_the_seed_asks_for_the_missing_dealer_values_when_interactive(app, session, unset):
    result = seed(app, "--input", input="Автоцентр Север\n+7 495 123-45-67\n")
    assert result.exit_code == 0, result.output
    assert "Dealership name" in result.output and "Dealership phone" in result.output
    session.expire_all()
    regs = load_regulations(session)
    assert (regs.dealer_name, regs.dealer_phone) == ("Автоцентр Север", "+7 495 123-45-67")
    again = seed(app, "--input", input="")  # nothing missing: nothing asked
    assert again.exit_code == 0 and "Dealership name" not in again.output


def test_enter_skips_a_prompt_and_the_value_stays_missing(app, session, unset):
    result = seed(app, "--input", input="\n+7 495 123-45-67\n")
    assert result.exit_code == 0, result.output
    assert "dealer_name: not set" in result.output
    session.expire_all()
    assert (load_regulations(session).dealer_name, load_regulations(session).dealer_phone) == (
        "", "+7 495 123-45-67")


def test_without_a_terminal_the_seed_never_asks_and_takes_options_or_env(app, session, unset):
    quiet = seed(app)  # the runner's stdin is no terminal (make run in the background, CI)
    assert quiet.exit_code == 0 and "Dealership name" not in quiet.output and "not set" in quiet.output
    by_env = seed(app, env={"DEALER_NAME": "Автоцентр Юг"})
    assert by_env.exit_code == 0, by_env.output
    by_option = seed(app, "--dealer-phone", "+7 861 000-00-00", "--no-input")
    assert by_option.exit_code == 0, by_option.output
    session.expire_all()
    regs = load_regulations(session)
    assert (regs.dealer_name, regs.dealer_phone) == ("Автоцентр Юг", "+7 861 000-00-00")
    kept = seed(app, "--dealer-name", "Другое имя")  # an admin's value is never overwritten by the seed
    assert kept.exit_code == 0 and "kept" in kept.output
    session.expire_all()
    assert load_regulations(session).dealer_name == "Автоцентр Юг"
    too_long = seed(app, "--dealer-phone", "9" * 51)
    assert too_long.exit_code != 0 and "at most 50" in too_long.output
