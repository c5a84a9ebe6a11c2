"""Background work: how the project hands a task to the queue (django-tasks, the backport of
Django 6.0's ``django.tasks``; settings choose the backend, README "Background work").

Tasks are plain ``@task()`` functions beside the job they run (``photos/jobs.py``,
``discovery/search/jobs.py``, ``newsletter/sending.py``); they all go through ``enqueue``.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend


def runs_immediately(task):
    """True when the backend runs tasks inside the caller (``make run``, tests)."""
    return isinstance(task.get_backend(), ImmediateBackend)


def enqueue(task, *args, delay=None, **kwargs):
    """Queue ``task`` once the caller's transaction commits, so the worker sees its rows.

    The database queue is a table written in that same transaction (a rollback drops the
    task with the data) and the immediate backend runs in it, so both enqueue at once.
    ``delay`` (seconds) defers the run where the backend can; the immediate one runs now.
    """
    backend = task.get_backend()
    if delay and backend.supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    if runs_immediately(task) or isinstance(backend, DatabaseBackend):
        return task.enqueue(*args, **kwargs)
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
    return None
