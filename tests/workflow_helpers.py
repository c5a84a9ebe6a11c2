"""Shared helpers for the workflow tests: admin URLs and the exact POST a change form sends."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from .formdata import form_data


def admin_url(piece, view="change"):
    app_label, model_name = piece.piece_type.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=[piece.pk])


def changelist_url(model_label="articles.article"):
    app_label, model_name = model_label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


def change_form(client, piece):
    """GET the piece's change form and return what the browser would post back."""
    response = client.get(admin_url(piece))
    assert response.status_code == 200, response.status_code
    model_name = piece.piece_type.split(".")[1]
    data = form_data(response, f"{model_name}_form")
    data["_save"] = "Save"
    return data


def post_change(client, piece, **changes):
    data = change_form(client, piece)
    data.update(changes)
    return client.post(admin_url(piece), data)


def run_action(client, action, pieces, model_label="articles.article"):
    """Run an admin action as the change list's form posts it (with when it was shown)."""
    url = changelist_url(model_label)
    data = form_data(client.get(url), "changelist-form")
    data.update({"action": action, "_selected_action": [p.pk for p in pieces]})
    return client.post(url, data, follow=True)


def retitle_in_another_process(piece, title):
    """Save ``piece`` with a new title from a separate ``manage.py shell`` process, as the
    shell, a command or another node would (PostgreSQL only: the process needs the database
    on disk)."""
    if connection.vendor != "postgresql":
        pytest.skip("the other process needs a database on disk: runs on PostgreSQL")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    code = (
        "from articles.models import Article; "
        f"a = Article.objects.get(pk={piece.pk}); a.title = {title!r}; a.save()"
    )
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "x", "DEBUG": "1"}
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=root, env=env, check=True
    )
