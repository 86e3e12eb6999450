"""The regulation settings page: every number of the regulations, validated as a whole."""

from __future__ import annotations

from dataclasses import asdict

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length

from app.admin.base import ADMIN_ONLY, StaffBaseView
from app.domain.errors import Conflict, ValidationFailed
from app.i18n import translate
from app.services.regulations import load_regulations, save_regulations, settings_version


def _time(label):
    return TimeField(label, validators=[InputRequired()], format="%H:%M")


def _int(label, description=""):
    return IntegerField(label, validators=[InputRequired()], description=description)


class RegulationsForm(FlaskForm):
    version = HiddenField()
    confirmation_window_start = _time(_l("Confirmation calls: window start"))
    confirmation_window_end = _time(_l("Confirmation calls: window end"))
    latest_call_time = _time(_l("Latest call time"))
    retry_delay_minutes = _int(_l("Retry after a failed call, minutes"))
    max_failed_attempts = _int(_l("Failed attempts before the booking is cancelled"))
    confirmation_horizon_days = _int(_l("Confirm bookings this many working days ahead"))
    working_day_start = _time(_l("Working day starts"))
    working_day_end = _time(_l("Working day ends"))
    working_weekdays = StringField(_l("Working weekdays (1 = Monday … 7 = Sunday)"),
                                   validators=[InputRequired(), Length(max=20)])
    call_continuation_window_hours = _int(
        _l("«Call continuation»: calls within, hours"),
        _l("Every call of the client in the last this many hours counts, the current one included: incoming "
           "calls in the traffic and appeals registered by phone on the client card."))
    call_continuation_min_calls = _int(_l("«Call continuation»: at least this many calls"))
    repeat_appeal_lookback_days = _int(
        _l("«Repeat appeal»: look back, days"),
        _l("A service request created in the last this many days that ended in refusal makes the client's next "
           "appeal a repeat appeal, and that request is reopened."))
    traffic_escalation_minutes = _int(_l("Escalate untaken traffic to a supervisor after, minutes"))
    no_show_grace_minutes = _int(_l("A client is a no-show this many minutes after the meeting"))
    timezone = StringField(_l("Time zone"), validators=[InputRequired(), Length(max=64)])
    dealer_name = StringField(_l("Dealership name (for messages)"), validators=[Length(max=200)],
                              description=_l("While it is empty, a message using {dealer_name} is not sent."))
    dealer_phone = StringField(_l("Dealership phone (for messages)"), validators=[Length(max=50)],
                               description=_l("While it is empty, a message using {dealer_phone} is not sent."))
    script_greeting = TextAreaField(
        _l("Script: greeting"), validators=[InputRequired(), Length(max=2000)],
        description=_l("Placeholders in every script text: {client_name}, {visit_at}, {car}, {advisor}, "
                       "{dealer_name}, {dealer_phone}."))
    script_purpose = TextAreaField(_l("Script: purpose of the call, plans unchanged?"),
                                   validators=[InputRequired(), Length(max=2000)])
    script_documents = TextAreaField(_l("Script: documents to bring"), validators=[InputRequired(), Length(max=2000)])
    script_handover = TextAreaField(_l("Script: time to hand the car over, goodbye"),
                                    validators=[InputRequired(), Length(max=2000)])
    reception_script = TextAreaField(
        _l("What reception says on a call or to a visitor"), validators=[Length(max=4000)], default="",
        description=_l("Shown on the reception panel as it is written, line by line; empty hides it."))
    require_admin_2fa = BooleanField(
        _l("Require two-factor authentication for administrators"),
        description=_l("An administrator without it is sent to set it up after logging in and can open "
                       "nothing else until it is on."))

    SECTIONS = (
        (_l("Visit confirmation"), ("confirmation_window_start", "confirmation_window_end", "latest_call_time",
                                    "retry_delay_minutes", "max_failed_attempts", "confirmation_horizon_days")),
        (_l("Working calendar"), ("working_day_start", "working_day_end", "working_weekdays", "timezone")),
        (_l("Appeals and traffic"), ("call_continuation_window_hours", "call_continuation_min_calls",
                                     "repeat_appeal_lookback_days", "traffic_escalation_minutes")),
        (_l("Leads"), ("no_show_grace_minutes",)),
        (_l("Dealership"), ("dealer_name", "dealer_phone")),
        (_l("Visit confirmation call script"),
         ("script_greeting", "script_purpose", "script_documents", "script_handover")),
        (_l("Reception dialogue script"), ("reception_script",)),
        (_l("Security"), ("require_admin_2fa",)),
    )


class RegulationsView(StaffBaseView):
    allowed_roles = ADMIN_ONLY

    @expose("/", methods=("GET", "POST"))
    def index(self):
        from app.extensions import db

        form = RegulationsForm()
        if request.method == "GET":
            form.process(data={**asdict(load_regulations(db.session)), "version": settings_version(db.session)})
        elif form.validate_on_submit():
            values = {name: form[name].data for name in form._fields if name not in ("version", "csrf_token")}
            # a browser sends a textarea's lines as CRLF: stored as typed («\n»), so an untouched script is no change
            values = {name: value.replace("\r\n", "\n") if isinstance(value, str) else value
                      for name, value in values.items()}
            values["working_weekdays"] = (values["working_weekdays"] or "").replace(" ", "")
            try:
                save_regulations(db.session, values, expected_version=int(form.version.data or 0))
            except ValidationFailed as exc:
                db.session.rollback()
                for name, message in exc.fields.items():
                    form[name].errors = [*form[name].errors, translate(message)]
            except Conflict as exc:
                flash(translate(exc.message), "error")
            else:
                flash(gettext("Settings saved."), "success")
                return redirect(url_for(".index"))
        status = 400 if request.method == "POST" else 200
        return self.render("admin/settings.html", form=form), status
