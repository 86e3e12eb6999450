"""The cadences catalog (seed 004): a catalog view whose steps the leads' rules check."""

from __future__ import annotations

from flask_babel import gettext
from wtforms.validators import ValidationError

from app.i18n import translate
from catalogs import labels
from catalogs.admin import COMMON_LABELS, CatalogView
from catalogs.models import CadenceStep
from leads import service as leads
from leads.rules import StepDraft, step_errors


class CadenceView(CatalogView):
    extra_columns = ("trigger", "stop_on_contact", "description")
    column_list = ("name", "code", "show_in_list", "trigger", "stop_on_contact")
    form_columns = ("name", "description", "trigger", "stop_on_contact", "show_in_list", "steps")
    form_choices = {"trigger": labels.choices(labels.CADENCE_TRIGGER_LABELS)}
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
                "form_choices": {"action": labels.choices(labels.CADENCE_ACTION_LABELS)},
                "column_labels": COMMON_LABELS,
            },
        )
    ]

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
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
