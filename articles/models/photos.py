"""The photo library: credited, captioned images with their renditions."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone

from articles.photos import jobs as rendition_jobs
from articles.photos import renditions
from articles.photos.uploads import (
    VerifiedImageField,
    clean_filename,
    clean_upload,
    photo_upload_to,
    validate_image_file,
)

from .people import Person
from .versions import ContentVersion

DEFERRED_IMAGE = object()  # Photo loaded without its image column


class PhotoQuerySet(models.QuerySet):
    def _published_pieces(self):
        # Pieces build on photos (their lead photo), so reach them through the relation.
        return self.model._meta.get_field("articles").related_model.objects.published()

    def in_public_use(self):
        """Photos that lead, or stand in the text of, at least one published piece: a draft's
        photo stays private."""
        published = self._published_pieces()
        return self.filter(
            models.Q(pk__in=published.values("lead_photo"))
            | models.Q(pk__in=published.values("inline_photos"))
        )

    def for_credits(self):
        """Each photo with the published pieces that used it (``public_pieces``), one query."""
        return self.select_related("credit_person").prefetch_related(
            models.Prefetch(
                "articles",
                queryset=self._published_pieces().order_by("-published_at", "-pk"),
                to_attr="public_pieces",
            )
        )


class Photo(models.Model):
    """An image with caption, credit and alt text; reusable by many pieces.

    Saving a new file strips its metadata (``uploads``) and queues the build of its
    renditions (``photos/jobs.py``): the admin, the shell and commands share this one path.
    """

    class Licence(models.TextChoices):
        ALL_RIGHTS_RESERVED = "all-rights-reserved", "All rights reserved"
        CC_BY = "cc-by-4.0", "Creative Commons Attribution 4.0 (CC BY)"
        CC_BY_SA = "cc-by-sa-4.0", "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA)"
        CC_BY_NC = "cc-by-nc-4.0", "Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC)"
        CC_BY_NC_ND = "cc-by-nc-nd-4.0", "Creative Commons BY-NC-ND 4.0"
        CC0 = "cc0-1.0", "Public domain dedication (CC0)"

    LICENCE_URLS = {
        Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
        Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
        Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
        Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
        Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    }

    image = VerifiedImageField(
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_image_file],
        help_text="JPEG, PNG or WebP. Location, camera and owner details are removed on upload.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    original_filename = models.CharField(max_length=255, blank=True, editable=False)
    caption = models.CharField(max_length=500, blank=True)
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the photo shows, for readers who cannot see it.",
    )
    credit_person = models.ForeignKey(
        Person,
        verbose_name="photographer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
    )
    credit_text = models.CharField(
        "credit (free text)",
        max_length=200,
        blank=True,
        help_text="Used when the photographer has no person page, e.g. an agency.",
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    # Rights and cropping: shown in credits and structured data, used by the renditions.
    copyright_holder = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who owns the rights, e.g. the photographer or an agency.",
    )
    licence = models.CharField(
        max_length=30, choices=Licence.choices, default=Licence.ALL_RIGHTS_RESERVED
    )
    focal_x = models.PositiveSmallIntegerField(
        "focal point across (%)",
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Where the subject is, from the left edge (0) to the right edge (100). "
        "Cropped versions (cards, squares) keep this point in view.",
    )
    focal_y = models.PositiveSmallIntegerField(
        "focal point down (%)",
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="From the top edge (0) to the bottom edge (100).",
    )
    # What ``renditions`` built: read with the photo row, so pages never ask the storage.
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    # Why the last build failed after its retries (``photos/jobs.py``); cleared by a good one.
    rendition_error = models.CharField(max_length=500, blank=True, editable=False)

    _stored_image_name = None  # the file name the database holds, to notice a new upload

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        get_latest_by = "uploaded_at"

    def __str__(self):
        return self.caption or self.alt_text or f"Photo {self.pk}"

    def save(self, *args, **kwargs):
        written, stale, changed = [], [], set()
        try:
            if self._has_new_file():
                self._store_clean_original()
                written.append(self.image.name)
                changed |= {"image", "width", "height", "original_filename"}
                changed |= {"credit_text", "copyright_holder"}
                # The old file's renditions show another picture: pages draw the placeholder.
                stale += renditions.file_names(self)
                self.renditions = {}
                changed.add("renditions")
            needs_build = bool(self.image) and not renditions.is_current(self)
            if needs_build:
                self.rendition_error = ""
                changed.add("rendition_error")
            if kwargs.get("update_fields") is not None and changed:
                kwargs["update_fields"] = {*kwargs["update_fields"], *changed}
            super().save(*args, **kwargs)
        except BaseException:
            renditions.delete_files(self.image.storage, written)
            raise
        self._stored_image_name = self.image.name
        if stale:
            storage = self.image.storage
            transaction.on_commit(lambda: renditions.delete_files(storage, stale))
        if needs_build:
            rendition_jobs.schedule(self)

    def get_absolute_url(self):
        return self.image.url

    def renditions_recorded(self):
        """``renditions.rebuild`` wrote the record with update(), which sends no signal: pages
        and pieces kept by the content version must show the new files (a worker builds them
        after the save that showed a placeholder)."""
        ContentVersion.bump()

    def delete(self, *args, **kwargs):
        names = [self.image.name, *renditions.file_names(self)]
        storage = self.image.storage
        result = super().delete(*args, **kwargs)  # ProtectedError while a piece uses it
        transaction.on_commit(lambda: renditions.delete_files(storage, names))
        return result

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "image" in field_names:
            stored = instance.__dict__.get("image")
            instance._stored_image_name = getattr(stored, "name", stored)
        else:  # deferred: only an assigned, unsaved file counts as new
            instance._stored_image_name = DEFERRED_IMAGE
        return instance

    def _has_new_file(self):
        if self._stored_image_name is DEFERRED_IMAGE and "image" not in self.__dict__:
            return False
        name = getattr(self.image, "name", "") or ""
        if self._stored_image_name is DEFERRED_IMAGE:
            return bool(name) and not self.image._committed
        return bool(name) and (not self.image._committed or name != self._stored_image_name)

    def _store_clean_original(self):
        """Replace the new file by its metadata-free, upright copy; offer its credits."""
        committed = self.image._committed
        incoming = self.image.name
        if not self.original_filename:
            self.original_filename = clean_filename(incoming)
        try:
            if committed:
                self.image.open("rb")
            clean = clean_upload(self.image)
        except ValidationError:
            if committed:  # stored by the caller before save(): leave nothing behind
                self.image.close()
                self.image.storage.delete(incoming)
            raise
        finally:
            if committed:
                self.image.close()
        self.prefilled = []
        if clean.credit and not (self.credit_person_id or self.credit_text):
            self.credit_text = clean.credit
            self.prefilled.append(("credit", clean.credit))
        if clean.copyright and not self.copyright_holder:
            self.copyright_holder = clean.copyright
            self.prefilled.append(("copyright holder", clean.copyright))
        stem = PurePath(self.original_filename or "photo").stem or "photo"
        self.image.save(f"{stem}.{clean.extension}", ContentFile(clean.content), save=False)
        self.width, self.height = clean.size
        if committed:  # the metadata-laden file never reached the database: remove it now
            self.image.storage.delete(incoming)
        return clean.image

    @property
    def credit(self):
        """The credit name: the photographer's, or the free text."""
        return self.credit_person.name if self.credit_person_id else self.credit_text

    def uses(self):
        """``(piece, how)`` for each piece showing this photo: as its lead photo, in its text."""
        order = ["-published_at", "title"]
        return [(piece, "lead photo") for piece in self.articles.order_by(*order)] + [
            (piece, "in the text") for piece in self.inline_in.order_by(*order)
        ]

    @property
    def licence_url(self):
        return self.LICENCE_URLS.get(self.licence, "")

    @property
    def thumb_url(self):
        """A small square preview, or "" while it is being built (never the original)."""
        return renditions.url_of(self, "thumb", 160)

    @property
    def is_processing(self):
        """Renditions not built yet for the current file and focal point, and not failed."""
        return bool(self.image) and not self.rendition_error and not renditions.is_current(self)

    def published_file(self):
        """(url, width, height) of the file feeds and structured data point at: a rendition,
        or the original only while the photo has none yet."""
        rendition = renditions.published_image(self)
        if rendition is None:
            return self.image.url, self.width, self.height
        return rendition.url, rendition.width, rendition.height

    def as_image_object(self, request=None):
        """The schema.org ImageObject for structured data; absolute URLs given a request."""
        absolute = request.build_absolute_uri if request is not None else str
        url, width, height = self.published_file()
        data = {
            "@type": "ImageObject",
            "contentUrl": absolute(url),
            "url": absolute(url),
            "width": width,
            "height": height,
        }
        if self.caption:
            data["caption"] = self.caption
        if self.credit:
            data["creditText"] = self.credit
        if self.credit_person_id:
            data["creator"] = {
                "@type": "Person",
                "name": self.credit_person.name,
                "url": absolute(self.credit_person.get_absolute_url()),
            }
        elif self.credit_text:
            # A credit line names the photographer (or "Name withheld"): a person, not a firm.
            data["creator"] = {"@type": "Person", "name": self.credit_text}
        if self.copyright_holder:
            data["copyrightNotice"] = self.copyright_holder
        if self.licence_url:
            data["license"] = self.licence_url
        return data
