"""The cadences catalog (seed 004): a catalog view whose steps the leads' rules check, edited as a compact table
of steps (one line per step) by an administrator or the head of the call centre (the supervisor)."""

from __future__ import annotations

import re
from datetime import time

from flask_admin.form import RenderTemplateWidget
from flask_babel import gettext
from wtforms import StringField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from app.domain.roles import Role
from app.i18n import translate
from catalogs import labels
from catalogs.admin import COMMON_LABELS, CatalogView
from catalogs.models import CadenceStep
from leads import service as leads
from leads.rules import StepDraft, step_errors

# Seed 004: «Редактор: Руководитель call-центра» — the supervisor edits the cadences (and the templates).
CADENCE_EDITORS = frozenset({Role.ADMIN, Role.SUPERVISOR})
TIME_24 = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$")


class Time24Input(TextInput):
    """A plain text input for «ЧЧ:ММ» (24 h) with a list of round times: no date-picker script, so a cleared
    value stays empty and never reads «Invalid date»."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("maxlength", "5")
        kwargs.setdefault("placeholder", gettext("HH:MM"))
        kwargs.setdefault("list", "cadence-times")
        kwargs.setdefault("pattern", r"([01]?\d|2[0-3]):[0-5]\d")
        return super().__call__(field, **kwargs)


class Time24Field(StringField):
    """A time of day as «09:30» (24 h); empty is no time."""

    widget = Time24Input()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if isinstance(self.data, time) else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        match = TIME_24.match(text)
        if match is None:
            self.data = None
            raise ValueError(gettext("Enter the time as HH:MM (24 h), e.g. 09:30."))
        self.data = time(int(match.group(1)), int(match.group(2)))


class CadenceView(CatalogView):
    allowed_roles = CADENCE_EDITORS
    extra_columns = ("trigger", "stop_on_contact", "description")
    column_list = ("name", "code", "show_in_list", "trigger", "stop_on_contact")
    form_columns = ("name", "description", "trigger", "stop_on_contact", "show_in_list", "steps")
    form_choices = {"trigger": labels.choices(labels.CADENCE_TRIGGER_LABELS)}
    form_widget_args = {"description": {"rows": 2}}
    column_formatters = {
        **CatalogView.column_formatters,
        "trigger": lambda v, c, m, n: labels.CADENCE_TRIGGER_LABELS.get(m.trigger, m.trigger),
    }
    inline_models = [
        (
            CadenceStep,
            {
                "form_columns": (
                    "id", "sort_order", "day_offset", "hour_offset", "at_time", "action",
                    "template", "stage", "loss_reason", "only_if_not_reached", "note",
                ),
                "form_extra_fields": {"at_time": Time24Field(COMMON_LABELS["at_time"])},  # wins over the column
                "form_choices": {"action": labels.choices(labels.CADENCE_ACTION_LABELS)},
                "column_labels": COMMON_LABELS,
            },
        )
    ]
    steps_widget = RenderTemplateWidget("leads/cadence_steps.html")

    def _compact_steps(self, form):
        if "steps" in form:
            form.steps.widget = self.steps_widget
        return form

    def create_form(self, obj=None):
        return self._compact_steps(super().create_form(obj))

    def edit_form(self, obj=None):
        form = self._compact_steps(super().edit_form(obj))
        if "steps" in form and obj is not None:
            running = leads.running_runs(self.db_session, obj.id)
            form.steps.description = gettext(
                "Changes apply to runs started from now on; the %(count)s running now keep the steps they "
                "started with.", count=running)
        return form

    def validate_model(self, form, model):
        steps = sorted(model.steps, key=lambda s: (s.sort_order or 0))
        messages = []
        for position, step in enumerate(steps, start=1):
            step.sort_order = position * 10
            draft = StepDraft(
                action=step.action,
                day_offset=step.day_offset or 0,
                hour_offset=step.hour_offset or 0,
                at_time=step.at_time,
                has_template=step.template is not None,
                has_stage=step.stage is not None,
                has_loss_reason=step.loss_reason is not None,
            )
            for problem in step_errors(draft).values():
                messages.append(gettext("Step %(n)s: %(problem)s", n=position, problem=translate(problem)))
        if messages:
            raise ValidationError(" ".join(messages))

