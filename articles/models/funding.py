"""Who produces and who pays: programmes (bureaus), funders and their funding projects."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from .base import SluggedModel


class Programme(SluggedModel):
    """A bureau or reporting programme that runs pieces, e.g. a Central Asia bureau."""

    description = models.TextField(blank=True)
    organisation = models.CharField(
        max_length=200,
        blank=True,
        help_text="The organisation it is a project of. Empty: the site's organisation.",
    )

    def get_absolute_url(self):
        return reverse("articles:programme", kwargs={"slug": self.slug})

    @property
    def bureau_line(self):
        """The line under each piece: “<bureau> is a project of <organisation>”."""
        return f"{self.name} is a project of {self.organisation or settings.KAZCMS_ORGANISATION}"


class Funder(SluggedModel):
    """A donor that funds one or more projects."""

    url = models.URLField("website", blank=True)
    description = models.TextField(blank=True)

    def get_absolute_url(self):
        return reverse("articles:funder", kwargs={"slug": self.slug})


DEFAULT_ACKNOWLEDGEMENT = (
    "This publication was produced under {organisation} project {project}, funded by {funders}."
)


class FundingProject(SluggedModel):
    """A donor-funded project that publications are produced under."""

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
        return reverse("articles:project", kwargs={"slug": self.slug})

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date."})

    def covers(self, day):
        """Whether ``day`` falls within the project's dates (open ends count as covered)."""
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )

    def acknowledgement_text(self):
        """The acknowledgement with its placeholders filled (uses prefetched funders)."""
        names = [funder.name for funder in self.funders.all()]
        funders = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        text = self.acknowledgement or DEFAULT_ACKNOWLEDGEMENT
        for key, value in {
            "{project}": self.name,
            "{funders}": funders or "its donors",
            "{organisation}": settings.KAZCMS_ORGANISATION,
        }.items():
            text = text.replace(key, value)
        return text
