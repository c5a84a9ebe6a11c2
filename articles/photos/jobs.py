"""Rendition jobs: saving a photo queues ``build_renditions``; a worker builds the sizes.

The editor's save only stores the cleaned original (under a second for 24 megapixels).
Until the renditions exist, pages draw a placeholder of the right shape
(``renditions.placeholder``) and the admin says "processing". A failed build is retried
with backoff; after the last attempt the reason is stored on the photo for the editor.
"""

import logging

from django.apps import apps
from django_tasks import task

from articles import jobs
from articles.photos import renditions

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BACKOFF_SECONDS = [30, 300]  # before the second and the third attempt


class RenditionsFailed(Exception):
    """Raised by the task, so the queue's own record says the attempt failed too."""


def _photos():
    # By name: the model module imports this one.
    return apps.get_model("articles", "Photo")._default_manager


def schedule(photo):
    """Build ``photo``'s renditions in the background (at once with the immediate backend)."""
    if jobs.runs_immediately(build_renditions):
        build(photo)  # the caller's instance gets the record, as the worker's would
        return
    jobs.enqueue(build_renditions, photo.pk, renditions.key(photo))


def build(photo, attempt=1):
    """Build and record the renditions; on failure queue a retry or store the reason."""
    try:
        renditions.rebuild(photo)
        return True
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"[:500]
        logger.warning("Renditions of photo %s failed (attempt %s): %s", photo.pk, attempt, reason)
        if attempt < MAX_ATTEMPTS:
            jobs.enqueue(
                build_renditions,
                photo.pk,
                renditions.key(photo),
                attempt + 1,
                delay=BACKOFF_SECONDS[attempt - 1],
            )
        else:
            reason = f"Failed after {attempt} attempts: {reason}"
            _photos().filter(pk=photo.pk).update(rendition_error=reason)
            photo.rendition_error = reason
        return False


@task()
def build_renditions(photo_id, key, attempt=1):
    """The worker's side: build unless the photo is gone, done, or changed since (``key``)."""
    photo = _photos().filter(pk=photo_id).first()
    if photo is None or renditions.key(photo) != key or renditions.is_current(photo):
        return "skipped"
    if not build(photo, attempt):
        raise RenditionsFailed(f"photo {photo_id}, attempt {attempt}")
    return "built"
