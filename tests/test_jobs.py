"""Background work: renditions built by the worker, retries, failures shown to the editor."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Photo
from articles.photos import jobs, renditions

from .factories import image_bytes, make_article
from .test_photos import post_photo

pytestmark = pytest.mark.django_db


def test_upload_returns_before_renditions_exist_then_the_worker_builds_them(
    editor_client, run_worker
):
    response = post_photo(editor_client, "big.jpg", image_bytes(size=(3000, 2000)))
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.renditions == {} and photo.is_processing
    assert DBTaskResult.objects.filter(task_path__endswith="build_renditions").count() == 1

    # Meanwhile pages show the placeholder, the admin says so, and the original shows nowhere.
    make_article(lead_photo=photo)
    listing = editor_client.get(reverse("articles:list")).content.decode()
    assert photo.image.url not in listing
    assert re.search(r'<svg class="photo-placeholder"[^>]*width="800" height="450"', listing)
    change = editor_client.get(reverse("admin:articles_photo_change", args=[photo.pk]))
    assert "Processing" in change.content.decode()
    changelist = editor_client.get(reverse("admin:articles_photo_changelist")).content.decode()
    assert "Processing" in changelist and photo.image.url not in changelist

    run_worker()
    photo.refresh_from_db()
    assert renditions.is_current(photo) and not photo.is_processing
    listing = editor_client.get(reverse("articles:list")).content.decode()
    assert "photo-placeholder" not in listing and "-card-800.jpg" in listing
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_job_for_a_photo_changed_since_is_skipped(editor_client, run_worker):
    post_photo(editor_client, "a.jpg", image_bytes(size=(900, 600)))
    photo = Photo.objects.get()
    photo.focal_x = 10
    photo.save()  # a second job, for the new focal point
    run_worker()
    photo.refresh_from_db()
    assert renditions.is_current(photo)
    results = sorted(DBTaskResult.objects.values_list("return_value", flat=True), key=str)
    assert results == ["built", "skipped"]


def test_failed_build_is_retried_later_then_the_reason_is_shown(
    editor_client, run_worker, monkeypatch
):
    refresh = renditions.refresh

    def broken(photo, image=None):
        raise OSError("disk full")

    monkeypatch.setattr(renditions, "refresh", broken)
    post_photo(editor_client, "a.jpg", image_bytes(size=(900, 600)))
    photo = Photo.objects.get()
    run_worker()
    # The first attempt failed; a retry waits in the queue with a backoff.
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after > timezone.now() and retry.args_kwargs["args"][2] == 2
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    photo.refresh_from_db()
    assert photo.rendition_error == "" and photo.is_processing

    for _attempt in (2, 3):  # each retry's time has come
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()
    photo.refresh_from_db()
    assert photo.rendition_error.startswith("Failed after 3 attempts: OSError: disk full")
    assert not DBTaskResult.objects.filter(status="READY").exists()
    page = editor_client.get(reverse("admin:articles_photo_change", args=[photo.pk]))
    assert "Renditions failed." in page.content.decode()
    assert "disk full" in page.content.decode()

    # Saving again (e.g. after the disk was cleared) tries afresh and clears the reason.
    monkeypatch.setattr(renditions, "refresh", refresh)
    photo.save()
    run_worker()
    photo.refresh_from_db()
    assert photo.rendition_error == "" and renditions.is_current(photo)


def test_immediate_backend_retries_at_once_and_the_save_still_succeeds(editor_client, monkeypatch):
    calls = []

    def broken(photo, image=None):
        calls.append(photo.pk)
        raise OSError("corrupt")

    monkeypatch.setattr(renditions, "refresh", broken)
    response = post_photo(editor_client, "a.jpg", image_bytes(size=(900, 600)))
    assert response.status_code == 302  # the editor's photo is kept
    assert len(calls) == jobs.MAX_ATTEMPTS
    photo = Photo.objects.get()
    assert "corrupt" in photo.rendition_error
