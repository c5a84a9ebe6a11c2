"""The reader's search form: the box and its filters, every value checked."""

from datetime import date

from django import forms
from django.db.models import Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article, Programme, Region, Topic

from .index import clean_text
from .query import MAX_QUERY_LENGTH, fallback_terms, newest, search

EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2999, 12, 31)


class SearchForm(forms.Form):
    """The search box and its filters; every field optional, every value checked."""

    q = forms.CharField(label=gettext_lazy("Search for"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", "Any kind"), *Article.Kind.choices],
    )
    region = forms.ModelChoiceField(
        Region.objects.all(), label=gettext_lazy("Region"), required=False, to_field_name="slug",
        empty_label="Any region",
    )  # fmt: skip
    topic = forms.ModelChoiceField(
        Topic.objects.all(), label=gettext_lazy("Topic"), required=False, to_field_name="slug",
        empty_label="Any topic",
    )  # fmt: skip
    programme = forms.ModelChoiceField(
        Programme.objects.all(), label=gettext_lazy("Programme"), required=False,
        to_field_name="slug", empty_label="Any programme",
    )  # fmt: skip
    date_from = forms.DateField(
        label=gettext_lazy("Published from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Published until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    FILTERS = ("kind", "region", "topic", "programme", "date_from", "date_to")

    def __init__(self, data=None, **kwargs):
        self.was_shortened = False
        if data is not None:
            data = {key: clean_text(data.get(key, "")) for key in ["q", *self.FILTERS]}
            if len(data["q"]) > MAX_QUERY_LENGTH:
                data["q"] = (
                    data["q"][:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or data["q"][:MAX_QUERY_LENGTH]
                )
                self.was_shortened = True
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day and not EARLIEST_DATE <= day <= LATEST_DATE:
                self.add_error(name, _("Enter a date between the years 1900 and 2999."))
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return cleaned

    def has_criteria(self):
        return self.is_valid() and any(self.cleaned_data.get(n) for n in ["q", *self.FILTERS])

    def active_filters(self):
        return [name for name in self.FILTERS if self.is_valid() and self.cleaned_data.get(name)]

    @property
    def query(self):
        """The words searched for: "" without any, or while the form has errors."""
        return self.cleaned_data.get("q", "") if self.is_valid() else ""

    def one_word_searches(self):
        """Each word of a search for several: what to offer when nothing matched them all."""
        terms = fallback_terms(self.query)
        return terms if len(terms) > 1 else []

    def filters_narrow_words(self):
        """Words and filters together: without the filters, the words may find something."""
        return bool(self.query) and bool(self.active_filters())

    def result_ids(self):
        """Ids of the published pieces matching the form, best first (newest first without
        words). Raises SearchTooSlow when the database gives up."""
        data = self.cleaned_data
        pieces = (
            Article.objects.published()
            .in_edition()
            .filtered(
                kind=data["kind"],
                region=data["region"],
                topic=data["topic"],
                programme=data["programme"],
                since=data["date_from"],
                until=data["date_to"],
            )
        )
        if data["q"]:
            return search(pieces, data["q"])
        return newest(pieces)


def filter_options():
    """(value, label) options of each filter: regions, topics and programmes in one query."""
    options = {
        "kind": [("", _("Any kind")), *Article.Kind.choices],
        "region": [("", _("Any region"))],
        "topic": [("", _("Any topic"))],
        "programme": [("", _("Any programme"))],
    }
    models = {"region": Region, "topic": Topic, "programme": Programme}
    vocabularies = [
        model.objects.order_by()
        .annotate(field=Value(name))
        .values_list("field", "name", "slug", "translations")
        for name, model in models.items()
    ]
    terms = {name: [] for name in models}
    for field, name, slug, translations in vocabularies[0].union(*vocabularies[1:], all=True):
        term = models[field](name=name, slug=slug, translations=translations)
        terms[field].append((slug, term.local_name))
    for field, named in terms.items():  # in the order of the names readers see
        options[field] += sorted(named, key=lambda option: option[1].casefold())
    return options
