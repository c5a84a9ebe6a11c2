"""Related rows read inside the row's own query: a to-many relation as one JSON array column.

``Rows`` is a correlated subquery that gathers the related rows, in their queryset's order,
into a JSON array (SQLite ``json_group_array``, PostgreSQL ``json_agg``, over an ordered
derived table). ``InlineRowsIterable`` turns each array back into model instances in the
prefetch cache (``piece.authors.all()``) or in a plain attribute, so a page reads a piece and
everything it shows in one query instead of one per relation.

Each row carries every concrete column of its model unless ``fields`` names fewer; a path
through a to-one relation (``to_article__slug``) comes back as the related instance, and a
nested ``Rows`` (a project's funders) fills that row's own prefetch cache. A column not
carried is deferred, as with ``only()``: reading it costs a query, which the page tests count.
"""

import json
from datetime import UTC

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime


class Rows(Subquery):
    """The rows of ``queryset`` (correlated to the outer row with ``OuterRef``) as a JSON array.

    ``into``: the relation whose prefetch cache it fills, or the attribute it is set as
    (a list) when the model has no such relation (``published_translations``)."""

    output_field = models.TextField()
    templates = {
        "sqlite": "json((SELECT COALESCE(json_group_array(json(_rows.row_json)), '[]') "
        "FROM (%(subquery)s) _rows))",
        "postgresql": "(SELECT COALESCE(json_agg(_rows.row_json), '[]'::json) "
        "FROM (%(subquery)s) _rows)",
    }

    def __init__(self, queryset, *, into, fields=None, **nested):
        self.model = queryset.model
        self.into = into
        self.fields = list(fields or [f.attname for f in self.model._meta.concrete_fields])
        self.nested = nested
        row = JSONObject(**{path: F(path) for path in self.fields}, **nested)
        super().__init__(queryset.annotate(row_json=row).values("row_json"))

    def as_sql(self, compiler, connection, template=None, **extra_context):
        template = self.templates.get(connection.vendor)
        if template is None:
            raise NotImplementedError(f"Rows() has no SQL for {connection.vendor}.")
        return super().as_sql(compiler, connection, template=template, **extra_context)

    # --- back to instances ----------------------------------------------------------------

    def instances(self, value, db):
        rows = json.loads(value) if isinstance(value, str) else value or []
        return [self._instance(self.model, row, db) for row in rows]

    def _instance(self, model, row, db):
        related = {}
        for key, value in row.items():
            name, _, rest = key.partition("__")
            if rest:
                related.setdefault(name, {})[rest] = value
        # from_db() takes the values in the model's column order.
        carried = [f for f in model._meta.concrete_fields if f.attname in row]
        obj = model.from_db(
            db,
            [f.attname for f in carried],
            [_python_value(f, row[f.attname], connections[db].vendor) for f in carried],
        )
        for name, fields in related.items():
            field = model._meta.get_field(name)
            target = field.related_model
            pk_value = fields.get(target._meta.pk.attname)
            field.set_cached_value(
                obj, None if pk_value is None else self._instance(target, fields, db)
            )
        for name, rows in self.nested.items():
            fill(obj, name, rows.instances(row.get(name), db))
        return obj


def _python_value(field, value, vendor):
    """A column's value as the ORM reads it, from its JSON form (dates are text there)."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        # SQLite keeps JSON columns as text, which json_object() embeds as a string;
        # PostgreSQL's jsonb comes nested, already decoded.
        return json.loads(value) if vendor == "sqlite" and isinstance(value, str) else value
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if settings.USE_TZ and timezone.is_naive(moment):  # SQLite stores UTC without offset
            moment = timezone.make_aware(moment, UTC)
        return moment
    if isinstance(field, models.DateField):
        return parse_date(value)
    return field.to_python(value)


def fill(obj, name, instances):
    """``instances`` as ``obj``'s prefetched relation ``name``, or as its attribute ``name``."""
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if field is None or not (field.many_to_many or field.one_to_many):
        obj.__dict__[name] = instances  # also fills a cached_property of that name
        return
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    queryset = getattr(obj, name).get_queryset()  # lazy: builds the relation's filter only
    queryset._result_cache = instances
    queryset._prefetch_done = True
    obj._prefetched_objects_cache[name] = queryset


def related_rows(model, name, queryset=None, **options):
    """``Rows`` of ``model``'s to-many relation ``name`` (``authors``, ``regions``,
    ``corrections``), from ``queryset`` (default: the related model's, in its order)."""
    field = model._meta.get_field(name)
    lookup = field.related_query_name() if field.many_to_many else field.field.name
    rows = field.related_model._default_manager.all() if queryset is None else queryset
    return Rows(rows.filter(**{lookup: OuterRef("pk")}), into=name, **options)


class InlineRowsIterable(ModelIterable):
    """Model instances whose ``Rows`` annotations become their prefetched relations."""

    def __iter__(self):
        queryset = self.queryset
        inline = [
            (alias, expression)
            for alias, expression in queryset.query.annotations.items()
            if isinstance(expression, Rows)
        ]
        for obj in super().__iter__():
            for alias, expression in inline:
                value = obj.__dict__.pop(alias, None)
                fill(obj, expression.into, expression.instances(value, queryset.db))
            yield obj


def with_rows(queryset, *rows):
    """``queryset`` reading each of ``rows`` in its own query (see the module docstring)."""
    queryset = queryset.annotate(**{f"{r.into}_rows": r for r in rows})
    queryset._iterable_class = InlineRowsIterable
    return queryset
