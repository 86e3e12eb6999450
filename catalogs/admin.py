"""Admin views for every catalog: CRUD, ordering, visibility, protected rows, import/export."""

from __future__ import annotations

from flask import flash, redirect
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import TemplateLinkRowAction
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from wtforms import HiddenField
from wtforms.validators import InputRequired, ValidationError

from app.admin.base import ADMIN_ONLY, StaffModelView
from app.admin.menu import CATALOGS, MenuEntry
from app.domain.errors import DomainError
from app.domain.ordering import Direction
from app.domain.roles import Role
from app.domain.templates import message_template_errors
from app.i18n import translate
from app.services import catalogs as catalog_service
from catalogs import labels
from catalogs.models import AppealOutcome
from catalogs.rules import work_errors

COMMON_LABELS = {
    "name": _l("Name"),
    "code": _l("System code"),
    "show_in_list": _l("Show in list"),
    "sort_order": _l("Order"),
    "predefined": _l("Predefined"),
    "group_name": _l("Group"),
    "description": _l("Description"),
    "is_targeted": _l("Targeted appeal"),
    "auto_rule": _l("Assigned automatically"),
    "outcomes": _l("Appeal outcomes"),
    "transition": _l("Transition"),
    "is_refusal": _l("Ends in refusal"),
    "channel": _l("Channel"),
    "department": _l("Department"),
    "document_kind": _l("Document usually created"),
    "specialists": _l("Specialists notified"),
    "requires_comment": _l("Comment required"),
    "outcome": _l("Stage outcome"),
    "subject": _l("Subject (e-mail)"),
    "body": _l("Text"),
    "trigger": _l("Starts when"),
    "stop_on_contact": _l("Stop as soon as contact is made"),
    "steps": _l("Steps"),
    "day_offset": _l("Day (after start)"),
    "hour_offset": _l("Hours after start"),
    "at_time": _l("At time of day"),
    "action": _l("Action"),
    "template": _l("Template"),
    "stage": _l("Stage"),
    "loss_reason": _l("Loss reason"),
    "only_if_not_reached": _l("Only if the previous call failed"),
    "note": _l("Note"),
    "standard_hours": _l("Standard hours"),
    "price": _l("Price"),
}


def _code_badge(view, context, model, name):
    from markupsafe import Markup, escape

    if not model.code:
        return ""
    return Markup('<span class="badge badge-code">{}</span>').format(escape(model.code))


def _visibility(view, context, model, name):
    return gettext("yes") if model.show_in_list else gettext("hidden")


class CatalogView(StaffModelView):
    """What every catalog shares; subclasses only declare their own columns."""

    allowed_roles = ADMIN_ONLY
    list_template = "admin/catalog/list.html"
    can_export = True
    export_types = ["csv", "xlsx"]
    column_default_sort = [("sort_order", False), ("name", False)]
    column_searchable_list = ("name",)
    column_labels = COMMON_LABELS
    column_formatters = {"code": _code_badge, "show_in_list": _visibility}
    form_excluded_columns = ("code", "predefined", "sort_order", "version")
    form_extra_fields = {"row_version": HiddenField()}
    column_extra_row_actions = [
        TemplateLinkRowAction("catalog_row.move_up", _l("Move up")),
        TemplateLinkRowAction("catalog_row.move_down", _l("Move down")),
    ]
    extra_columns: tuple[str, ...] = ()

    def __init__(self, model, session, **kwargs):
        self.model = model
        if not self.column_list:
            self.column_list = ("name", "code", "show_in_list", *self.extra_columns)
        if not self.column_export_list:
            self.column_export_list = ("id", "name", "show_in_list", "sort_order", "code", *self.importable_extra())
        super().__init__(model, session, **kwargs)

    # ----- which columns a CSV import may set
    def importable_extra(self) -> tuple[str, ...]:
        columns = inspect(self.model).columns
        return tuple(c for c in self.extra_columns if c in columns)

    def importable_fields(self) -> tuple[str, ...]:
        return ("name", "show_in_list", *self.importable_extra())

    # ----- predefined rows: renameable, hideable, reorderable; never deletable; behaviour locked
    def locked_fields(self, model) -> tuple[str, ...]:
        if model is None or not model.predefined:
            return ()
        return tuple(type(model).__locked_when_predefined__)

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        for name in self.locked_fields(obj):
            if name in form:
                form[name].render_kw = {"disabled": True}
                form[name].description = gettext("Part of the system behaviour of a predefined row.")
                form[name].validators = []
        return form

    def on_form_prefill(self, form, id):
        model = self.get_one(id)
        if model is not None and "row_version" in form:
            form.row_version.data = model.version

    def on_model_change(self, form, model, is_created):
        state = inspect(model)
        for name in self.locked_fields(model):
            history = state.attrs[name].history
            if history.deleted:
                setattr(model, name, history.deleted[0])
        if is_created:
            with self.db_session.no_autoflush:  # one INSERT, so the audit log shows one «created»
                model.sort_order = catalog_service.next_sort_order(self.db_session, self.model)
        elif "row_version" in form and form.row_version.data:
            if str(model.version) != str(form.row_version.data):
                raise ValidationError(
                    gettext("Someone else has just changed this record. Reload it and repeat your change.")
                )
        self.validate_model(form, model)

    def validate_model(self, form, model) -> None:
        """Rules over the whole row (after the form is applied); raise ValidationError."""

    def field_errors(self, form) -> dict[str, str]:
        """Rules over single fields, shown next to the field; subclasses add theirs."""
        return {}

    def validate_form(self, form):
        valid = super().validate_form(form)
        if "name" not in form:
            return valid
        blank_name = isinstance(form.name.data, str) and not form.name.data.strip()
        if not valid:
            if blank_name and not form.name.errors:
                form.name.errors = [gettext("Enter a name.")]
            return valid
        problems = self.field_errors(form)
        if blank_name:
            problems.setdefault("name", gettext("Enter a name."))
        for field_name, message in problems.items():
            form[field_name].errors = [*form[field_name].errors, message]
        return not problems

    # ----- list actions
    @expose("/move/<int:row_id>/<direction>/", methods=("POST",))
    def move_view(self, row_id: int, direction: str):
        try:
            catalog_service.move_row(self.db_session, self.model, row_id, Direction(direction))
        except (DomainError, ValueError) as exc:
            self.db_session.rollback()
            flash(translate(exc.message, **exc.params) if isinstance(exc, DomainError) else str(exc), "error")
        return redirect(self.return_url())

    @action("delete", _l("Delete"), _l("Delete the selected rows?"))
    def action_delete(self, ids):
        # Flask-Admin's bulk delete binds the ids as strings, which PostgreSQL refuses for integer keys.
        deleted = 0
        for row_id in ids:
            row = self.db_session.get(self.model, int(row_id))
            if row is not None and self.delete_model(row):
                deleted += 1
        if deleted:
            flash(ngettext("%(num)s row deleted.", "%(num)s rows deleted.", deleted), "success")

    @action("hide", _l("Hide from lists"))
    def action_hide(self, ids):
        count = catalog_service.set_visibility(self.db_session, self.model, [int(i) for i in ids], False)
        flash(ngettext("%(num)s row hidden.", "%(num)s rows hidden.", count), "success")

    @action("show", _l("Show in lists"))
    def action_show(self, ids):
        count = catalog_service.set_visibility(self.db_session, self.model, [int(i) for i in ids], True)
        flash(ngettext("%(num)s row shown.", "%(num)s rows shown.", count), "success")

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        from catalogs.csv_import import handle_import

        return handle_import(self)


class AppealCategoryView(CatalogView):
    extra_columns = ("group_name", "is_targeted", "auto_rule", "description")
    column_list = ("name", "code", "show_in_list", "is_targeted", "auto_rule")
    form_columns = ("name", "group_name", "description", "is_targeted", "auto_rule", "show_in_list", "outcomes")
    form_choices = {"auto_rule": labels.choices(labels.AUTO_RULE_LABELS, blank=True)}
    column_formatters = {
        **CatalogView.column_formatters,
        "auto_rule": lambda v, c, m, n: labels.AUTO_RULE_LABELS.get(m.auto_rule, ""),
    }
    inline_models = [
        (
            AppealOutcome,
            {
                "form_columns": ("id", "sort_order", "name", "transition", "is_refusal"),
                "form_choices": {"transition": labels.choices(labels.TRANSITION_LABELS, blank=True)},
                "column_labels": COMMON_LABELS,
            },
        )
    ]

    def validate_model(self, form, model):
        if model.auto_rule == "":
            model.auto_rule = None
        for position, outcome in enumerate(sorted(model.outcomes, key=lambda o: (o.sort_order or 0))):
            outcome.sort_order = (position + 1) * 10
            if outcome.transition == "":
                outcome.transition = None


class CancellationReasonView(CatalogView):
    pass


class ContactGoalView(CatalogView):
    extra_columns = ("channel", "department", "document_kind")
    column_list = ("name", "code", "show_in_list", "channel", "department", "document_kind", "specialists")
    form_columns = ("name", "channel", "department", "document_kind", "specialists", "show_in_list")
    form_choices = {
        "channel": labels.choices(labels.CHANNEL_LABELS),
        "department": labels.choices(labels.DEPARTMENT_LABELS),
        "document_kind": labels.choices(labels.DOCUMENT_KIND_LABELS, blank=True),
    }
    column_formatters = {
        **CatalogView.column_formatters,
        "channel": lambda v, c, m, n: labels.CHANNEL_LABELS.get(m.channel, m.channel),
        "department": lambda v, c, m, n: labels.DEPARTMENT_LABELS.get(m.department, m.department),
        "document_kind": lambda v, c, m, n: labels.DOCUMENT_KIND_LABELS.get(m.document_kind, ""),
        "specialists": lambda v, c, m, n: ", ".join(str(u) for u in m.specialists),
    }
    form_ajax_refs = {"specialists": {"fields": ("username", "full_name"), "page_size": 10}}

    def validate_model(self, form, model):
        if model.document_kind == "":
            model.document_kind = None


class IgnoreReasonView(CatalogView):
    extra_columns = ("requires_comment",)


class LeadStageView(CatalogView):
    extra_columns = ("outcome",)
    form_choices = {"outcome": labels.choices(labels.STAGE_OUTCOME_LABELS)}
    column_formatters = {
        **CatalogView.column_formatters,
        "outcome": lambda v, c, m, n: labels.STAGE_OUTCOME_LABELS.get(m.outcome, m.outcome),
    }


class LossReasonView(CatalogView):
    pass


class MessageTemplateView(CatalogView):
    allowed_roles = frozenset({Role.ADMIN, Role.SUPERVISOR})  # seed 004: the head of the call centre edits them
    extra_columns = ("channel", "subject", "body")
    column_list = ("name", "code", "show_in_list", "channel", "body")
    form_columns = ("name", "channel", "subject", "body", "show_in_list")
    form_choices = {"channel": labels.choices(labels.MESSAGE_CHANNEL_LABELS)}
    form_widget_args = {"body": {"rows": 6}}
    column_formatters = {
        **CatalogView.column_formatters,
        "channel": lambda v, c, m, n: labels.MESSAGE_CHANNEL_LABELS.get(m.channel, m.channel),
        "body": lambda v, c, m, n: (m.body[:80] + "…") if len(m.body) > 80 else m.body,
    }
    column_extra_row_actions = [
        *CatalogView.column_extra_row_actions,
        TemplateLinkRowAction("catalog_row.send_test", _l("Send a test message")),
    ]

    def field_errors(self, form):
        problems = message_template_errors(form.channel.data or "", form.subject.data or "", form.body.data or "")
        return {name: " ".join(translate(p) for p in messages) for name, messages in problems.items()}

    @expose("/send-test/<int:template_id>/", methods=("GET", "POST"))
    def send_test_view(self, template_id: int):
        from catalogs.template_check import handle_send_test

        return handle_send_test(self, template_id)


class WorkView(CatalogView):
    extra_columns = ("standard_hours", "price")
    form_args = {
        "standard_hours": {"validators": [InputRequired()]},
        "price": {"validators": [InputRequired()]},
    }

    def _handle_view(self, name, **kwargs):
        # The works' names, hours and prices fill a booking's or a work order's inline works
        # (static/js/admin.js): every signed-in employee may read them, only admins edit the catalog.
        if name == "pick_view":
            from flask_login import current_user

            return None if current_user.is_authenticated and current_user.roles else self.inaccessible_callback(name)
        return super()._handle_view(name, **kwargs)

    @expose("/pick/")
    def pick_view(self):
        from flask import jsonify
        from sqlalchemy import select

        rows = self.db_session.scalars(select(self.model)).all()  # a hidden work may still be picked in old rows
        return jsonify({str(row.id): {"name": row.name, "hours": f"{row.standard_hours:.2f}",
                                      "price": f"{row.price:.2f}"} for row in rows})

    def field_errors(self, form):
        problems = work_errors(form.standard_hours.data, form.price.data)
        return {name: translate(message) for name, message in problems.items()}


def catalog_entry(position: int, model, view_class: type[CatalogView], endpoint: str) -> MenuEntry:
    """A catalog in the «Catalogs» menu, named by its table's title."""
    from app.extensions import db

    return MenuEntry(position, lambda: view_class(model, db, name=labels.CATALOG_TITLES[model.__tablename__],
                                                  category=CATALOGS, endpoint=endpoint))


def menu_entries() -> list[MenuEntry]:
    from catalogs import models as cm

    return [catalog_entry(position, model, view_class, endpoint) for position, model, view_class, endpoint in (
        (100, cm.AppealCategory, AppealCategoryView, "appealcategory"),
        (110, cm.CancellationReason, CancellationReasonView, "cancellationreason"),
        (120, cm.ContactGoal, ContactGoalView, "contactgoal"),
        (130, cm.IgnoreReason, IgnoreReasonView, "ignorereason"),
        (140, cm.LeadStage, LeadStageView, "leadstage"),
        (150, cm.LossReason, LossReasonView, "lossreason"),
        (160, cm.MessageTemplate, MessageTemplateView, "messagetemplate"),
        (180, cm.Work, WorkView, "work"),
    )]
