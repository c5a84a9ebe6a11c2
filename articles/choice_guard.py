"""Forms that choose rows by id answer a posted value no id column can hold with a form error.

Found by walking every admin form with hostile values (tests/test_hostile_input.py). Two places
in Django take a posted id to the database before checking it fits the column: a value such as
"²", "abc" or 40 digits raises there (ValueError, OverflowError on SQLite; on PostgreSQL a
DataError that also aborts the admin's transaction) instead of the form's "Select a valid
choice":

- the admin's autocomplete widgets, which look the posted values up to label the chosen
  options when a refused form is shown again (``AutocompleteMixin.optgroups``);
- ``ModelMultipleChoiceField``, which filters ``pk__in`` the posted values.

Every autocomplete and many-to-many field of every form, ours and the packages', goes through
these two, so they are checked there, once: ``install()`` runs from ``ArticlesConfig.ready()``.
"""

from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError
from django.forms.models import ModelMultipleChoiceField

LARGEST_ID = 2**63 - 1


def fits(target, value):
    """Whether ``value`` is something the column ``target`` can hold."""
    try:
        python = target.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    return not isinstance(python, int) or -LARGEST_ID <= python <= LARGEST_ID


def _widget_target(widget):
    model = widget.choices.queryset.model
    to_field = getattr(widget.field.remote_field, "field_name", None) or model._meta.pk.attname
    return model._meta.get_field(to_field)


def install():
    optgroups = AutocompleteMixin.optgroups
    check_values = ModelMultipleChoiceField._check_values
    if getattr(optgroups, "checks_values", False):
        return

    def checked_optgroups(self, name, value, attr=None):
        target = _widget_target(self)
        kept = [v for v in value if v not in (None, "") and fits(target, v)]
        return optgroups(self, name, kept, attr)

    def checked_values(self, value):
        key = self.to_field_name
        target = self.queryset.model._meta.get_field(key) if key else self.queryset.model._meta.pk
        for pk in value if isinstance(value, (list, tuple, set, frozenset)) else []:
            if not fits(target, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return check_values(self, value)

    checked_optgroups.checks_values = True
    AutocompleteMixin.optgroups = checked_optgroups
    ModelMultipleChoiceField._check_values = checked_values
