"""No lost edits in the admin: a save made from a form opened before someone else's save is
refused, the form comes back with the editor's input intact beside what changed meanwhile.

One guard for everything the newsroom edits. The form carries a token of the row as it was
opened and the save compares it with the row, locked. By default the token is a fingerprint
of the stored row, so no schema change is needed (people, photos, programmes, funders,
projects, tags, site settings); pieces carry a version counter instead and say who saved them
and what changed beyond the form's fields (``WorkflowFormMixin`` in ``publishing/admin.py``).

Bulk actions on a list are guarded the same way: the action form carries when the list was
shown, and an action refuses rows saved after that, or everything when the time is missing.
"""

import hashlib
from datetime import datetime

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.text import html_to_text

STALE_MESSAGE = (
    "Your changes have NOT been saved: {who} saved this {what} {when}, after you opened it. "
    "Everything you typed is still in the form below. Compare it with what changed meanwhile "
    "(listed at the top), merge the two, then save again."
)

UNLISTED_MESSAGE = (
    "Nothing was changed: the list you acted on did not say when it was shown, so changes "
    "made since then could not be checked. Reload the list and try again."
)


def comparable(value):
    """A value reduced to what matters when comparing the stored row with a form's input."""
    if hasattr(value, "all") and callable(value.all):
        value = value.all()
    if isinstance(value, (list, tuple, set)) or hasattr(value, "model"):
        return sorted(getattr(item, "pk", item) for item in value)
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file
        return value.name or ""
    return value


def readable(value):
    """A value as an editor reads it in the "changed meanwhile" table."""
    if hasattr(value, "all") and callable(value.all):
        value = value.all()
    if isinstance(value, (list, tuple, set)) or hasattr(value, "model"):
        return ", ".join(str(item) for item in value) or "—"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, str) and "<" in value:
        return html_to_text(value)
    if hasattr(value, "name") and hasattr(value, "storage"):
        return value.name or "—"
    return "—" if value in (None, "") else str(value)


def differences(form, cleaned, current, skip=()):
    """[{label, stored, mine}] for each form field whose input differs from the stored row."""
    rows = []
    for name, field in form.fields.items():
        if name in skip or name not in cleaned:
            continue
        stored, mine = getattr(current, name, None), cleaned[name]
        try:
            model_field = current._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field
            continue
        if hasattr(model_field, "sanitize") and isinstance(mine, str):
            mine = model_field.sanitize(mine)
        if comparable(mine) != comparable(stored):
            rows.append(
                {"label": field.label or name, "stored": readable(stored), "mine": readable(mine)}
            )
    return rows


def fingerprint(obj):
    """A short digest of the stored row, many-to-many links included."""
    data = serializers.serialize("json", [obj])
    return hashlib.sha256(data.encode()).hexdigest()[:32]


class EditGuardFormMixin(forms.ModelForm):
    """Carries a token of the row as it was opened; refuses the save when the row changed since."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    guarded_noun = ""  # how the refusal names the row; its model's verbose name by default

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk:
            self.fields["edit_token"].initial = self.edit_token_of(self.instance)

    def edit_token_of(self, obj):
        """What changes whenever the stored row does."""
        return fingerprint(obj)

    def changed_meanwhile(self, current, opened_with):
        """Who saved the row after the form was opened (``by``), when (``at``, if known), and
        anything the form's own fields cannot show (``since``)."""
        return {"by": "someone else", "at": None}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._refuse_stale(cleaned)
        return cleaned

    def _refuse_stale(self, cleaned):
        # Locked until the admin's transaction ends: two saves of one token cannot both pass.
        # (No select_related: PostgreSQL cannot lock the nullable side of an outer join.)
        current = (
            type(self.instance)._default_manager.select_for_update().filter(pk=self.instance.pk)
        ).first()
        if current is None:
            return
        stored, opened_with = self.edit_token_of(current), cleaned.get("edit_token")
        if opened_with == stored:
            return
        self.conflict = {
            **self.changed_meanwhile(current, opened_with),
            "changes": differences(self, cleaned, current, skip={"edit_token"}),
        }
        # The next save, after merging, is made against what is stored now.
        data = self.data.copy()
        data[self.add_prefix("edit_token")] = stored
        self.data = data
        at = self.conflict["at"]
        raise ValidationError(
            STALE_MESSAGE.format(
                who=self.conflict["by"],
                what=self.guarded_noun or current._meta.verbose_name,
                when=f"at {readable(at)}" if at else "a moment ago",
            ),
            code="stale",
        )


class EditGuardAdminMixin:
    """For a ModelAdmin: its form refuses stale saves and says what changed meanwhile.

    The model's own admin template (``admin/<app>/<model>/change_form.html``, found by Django's
    lookup) shows the "changed meanwhile" table by including ``admin/articles/_conflict.html``.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = kwargs.get("form", self.form)  # another mixin's form, if one came first
        if not issubclass(form, EditGuardFormMixin):
            kwargs["form"] = type(f"Guarded{form.__name__}", (EditGuardFormMixin, form), {})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "edit_token" in fields else [*fields, "edit_token"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        names = {f for _, opts in fieldsets for row in opts["fields"] for f in _flat(row)}
        if "edit_token" in names:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "edit_token"]}), *rest]


def _flat(row):
    return row if isinstance(row, (list, tuple)) else [row]


class ListedAtActionForm(ActionForm):
    """The change list's action form, carrying when the list was shown.

    It travels with the action select itself, so no template (or template order) can drop it.
    """

    listed_at = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        label="",
        initial=lambda: timezone.now().isoformat(),
    )


def listed_at(request):
    """When the list an action was posted from was shown, or None if the post does not say."""
    try:
        shown = parse_datetime(request.POST.get("listed_at", ""))
    except ValueError:  # well formed, but no such time
        return None
    return shown if shown is not None and timezone.is_aware(shown) else None
