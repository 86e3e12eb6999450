import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.templates import PLACEHOLDERS, render_template_body, template_errors


def test_known_placeholders_are_valid():
    assert template_errors("{client_name}, ждём вас {visit_at}. {dealer_phone}") == []


def test_an_unknown_placeholder_is_named():
    (problem,) = template_errors("Здравствуйте, {clent_name}!")
    assert problem.params["name"] == "clent_name"


@pytest.mark.parametrize("body", ["{", "}", "{client_name", "{0}", "{}", "{client_name!r}", "{visit_at:%d}"])
def test_broken_braces_are_a_syntax_problem(body):
    assert template_errors(body)


def test_doubled_braces_are_literal():
    assert template_errors("{{скидка}} для {client_name}") == []
    assert render_template_body("{{x}} {client_name}", {"client_name": "Иван"}) == "{x} Иван"


@given(st.text())
def test_validation_never_raises(body):
    template_errors(body)


@given(st.dictionaries(st.sampled_from(PLACEHOLDERS), st.text(max_size=20)))
def test_a_valid_template_always_renders(values):
    body = " ".join("{" + name + "}" for name in PLACEHOLDERS)
    rendered = render_template_body(body, values)
    assert all(value in rendered for value in values.values())


def test_an_email_template_needs_a_subject_and_every_template_a_text():
    from app.domain.templates import message_template_errors

    assert set(message_template_errors("email", "", "{client_name}")) == {"subject"}
    assert set(message_template_errors("sms", "", "  ")) == {"body"}
    assert message_template_errors("whatsapp", "", "{client_name}, ждём вас") == {}
