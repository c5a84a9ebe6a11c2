"""Who produces and who pays: programmes (bureaus), funders and their funding projects."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from articles.languages import edition_url

from .base import SluggedModel
from .translatable import TranslatableModel


class Programme(SluggedModel, TranslatableModel):
    """A bureau or reporting programme that runs pieces, e.g. a Central Asia bureau."""

    translatable_fields = ("name", "description", "organisation")

    description = models.TextField(blank=True)
    organisation = models.CharField(
        max_length=200,
        blank=True,
        help_text="The organisation it is a project of. Empty: the site's organisation.",
    )

    def get_absolute_url(self):
        return edition_url("articles:programme", slug=self.slug)

    @property
    def bureau_line(self):
        """The line under each piece: “<bureau> is a project of <organisation>”, in the
        edition's language."""
        organisation = self.translated("organisation") or settings.KAZCMS_ORGANISATION
        return _("%(bureau)s is a project of %(organisation)s") % {
            "bureau": self.local_name,
            "organisation": organisation,
        }


class Funder(SluggedModel, TranslatableModel):
    """A donor that funds one or more projects."""

    translatable_fields = ("name", "description")

    url = models.URLField("website", blank=True)
    description = models.TextField(blank=True)

    def get_absolute_url(self):
        return edition_url("articles:funder", slug=self.slug)

    @classmethod
    def footer_links(cls):
        """``(name, address)`` of the funders of any project, for the footer (one query)."""
        funders = cls.objects.filter(projects__isnull=False).distinct()
        return [(funder.local_name, funder.get_absolute_url()) for funder in funders]


DEFAULT_ACKNOWLEDGEMENT = gettext_noop(
    "This publication was produced under {organisation} project {project}, funded by {funders}."
)


class FundingProject(SluggedModel, TranslatableModel):
    """A donor-funded project that publications are produced under."""

    translatable_fields = ("name", "description", "acknowledgement")

    funders = models.ManyToManyField(Funder, related_name="projects", blank=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects"
    )
    description = models.TextField(blank=True)
    starts_on = models.DateField("start date", null=True, blank=True)
    ends_on = models.DateField("end date", null=True, blank=True)
    acknowledgement = models.CharField(
        "acknowledgement line",
        max_length=500,
        default=DEFAULT_ACKNOWLEDGEMENT,
        help_text="Printed under each publication. {project}, {funders} and {organisation} "
        "are filled in.",
    )

    class Meta(SluggedModel.Meta):
        verbose_name = "funding project"

    def get_absolute_url(self):
        return edition_url("articles:project", slug=self.slug)

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date."})

    def covers(self, day):
        """Whether ``day`` falls within the project's dates (open ends count as covered)."""
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )

    def acknowledgement_text(self):
        """The acknowledgement in the edition's language with its placeholders filled (uses
        prefetched funders)."""
        names = [funder.local_name for funder in self.funders.all()]
        if len(names) > 1:
            funders = _("%(some)s and %(last)s") % {
                "some": ", ".join(names[:-1]),
                "last": names[-1],
            }
        else:
            funders = names[0] if names else _("its donors")
        if not self.acknowledgement:
            self.acknowledgement = DEFAULT_ACKNOWLEDGEMENT
        text = self.translated("acknowledgement")
        for key, value in {
            "{project}": self.local_name,
            "{funders}": funders,
            "{organisation}": settings.KAZCMS_ORGANISATION,
        }.items():
            text = text.replace(key, value)
        return text
