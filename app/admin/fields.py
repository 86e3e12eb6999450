"""Form fields shared by staff views."""

from __future__ import annotations

from datetime import datetime

from wtforms.fields import DateTimeLocalField


class LocalDateTimeField(DateTimeLocalField):
    """A native date-time picker in the dealership's zone; the model gets an aware datetime (stored UTC)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], **kwargs)

    def process_data(self, value):
        from app.i18n import dealership_timezone

        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(dealership_timezone()).replace(tzinfo=None)
        super().process_data(value)

    def populate_obj(self, obj, name):
        from app.i18n import dealership_timezone

        value = self.data
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dealership_timezone())
        setattr(obj, name, value)
