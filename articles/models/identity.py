"""Who is behind a pen name: a record apart from the Person, opened only with its permission.

Nothing public reads this model, and nothing follows it: django-reversion does not record it,
no search field or export names its fields, and its ``__str__`` (what the admin's log, delete
pages and audit trail print) names only the pen name. Opening one in the admin is audited
(articles/people_admin.py).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .people import Person

OPEN_PERMISSION = "articles.open_sealedidentity"


class SealedIdentity(models.Model):
    """The real name, contact and notes of the person behind a pen name."""

    person = models.OneToOneField(
        Person,
        on_delete=models.PROTECT,  # deleting a pen name must not silently destroy the record
        related_name="sealed_identity",
        limit_choices_to={"is_pen_name": True},
        verbose_name="pen name",
    )
    real_name = models.CharField(max_length=200)
    contact = models.TextField(
        blank=True, help_text="How to reach them safely: a channel, a handle, a go-between."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["person__name"]
        verbose_name = "sealed identity"
        verbose_name_plural = "sealed identities"
        default_permissions = ("add", "change", "delete", "view")
        permissions = [
            ("open_sealedidentity", "Can open the sealed identity behind a pen name"),
        ]

    def __str__(self):
        # Printed wherever the admin names an object: never the real name.
        return f"Sealed identity of {self.person.name}"

    def get_absolute_url(self):
        return reverse("admin:articles_sealedidentity_change", args=[self.pk])
