"""Background work: renditions built by the worker (retries, failures shown to the editor)
and search vectors refreshed when names they hold change elsewhere."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.discovery.search import jobs as search_jobs
from articles.models import Photo, Region
from articles.photos import jobs, renditions

from .factories import image_bytes, make_article, make_interview, make_person, make_photo
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


def test_redis_queue_builds_renditions_with_an_rq_worker(
    settings, django_capture_on_commit_callbacks
):
    # KAZCMS_TASKS=redis: RQ on a Redis database of this test's own (14), the real server.
    import django_rq
    import rq
    from django_tasks_rq import Job

    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/14"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    with django_capture_on_commit_callbacks(execute=True):  # sent once the save commits
        photo = make_photo()
    assert photo.renditions == {} and queue.count == 1
    # A worker in this process (no fork), so it reads this test's transaction.
    rq.SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    photo.refresh_from_db()
    assert renditions.is_current(photo) and queue.count == 0


# --- search vectors refreshed in the background (PostgreSQL stores them) -----------------

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


def found(client, words):
    response = client.get(reverse("articles:search"), {"q": words})
    return [piece.title for piece in response.context["page"].object_list]


def test_the_pieces_naming_a_person_are_their_articles_and_interviews():
    person, other = make_person(name="Aida Writer"), make_person()
    written = make_article(authors=[person])
    given = make_interview(interviewee=person)
    make_article(authors=[other])
    assert search_jobs.pieces_naming(person) == {written.pk, given.pk}


@on_postgres
def test_renaming_a_person_refreshes_their_pieces_by_the_worker(client, run_worker):
    person = make_person(name="Aida Writer")
    for piece in (
        make_article(title="Written", authors=[person]),
        make_interview(title="Given", interviewee=person),
    ):
        piece.update_search_vector()  # as the admin does once authors are saved
    assert sorted(found(client, "Aida")) == ["Given", "Written"]
    person.name = "Zarina Nurova"
    person.save()
    assert found(client, "Zarina") == []  # the rename only queued the work
    run_worker()
    assert sorted(found(client, "Zarina")) == ["Given", "Written"]
    assert found(client, "Aida") == []


@on_postgres
def test_renaming_a_region_refreshes_the_pieces_filed_under_it(client, run_worker):
    region = Region.objects.create(name="Ferghana")
    make_article(title="Valley", regions=[region]).update_search_vector()
    region.name = "Fergana Valley"
    region.save()
    run_worker()
    assert found(client, "Fergana") == ["Valley"]


@on_postgres
def test_editing_a_segment_refreshes_its_interview_by_the_worker(client, run_worker):
    interview = make_interview(title="Talk", segments=1)
    segment = interview.segments.get()
    segment.answer = "<p>Hydropower on the Vakhsh.</p>"
    segment.save()
    assert found(client, "Vakhsh") == []
    run_worker()
    assert found(client, "Vakhsh") == ["Talk"]
