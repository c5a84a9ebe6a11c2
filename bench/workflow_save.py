"""How much the workflow adds to saving a piece in the admin (revisions, lock, audit).

Saves an interview with 1, 20 and 100 segments through the admin change form (the exact
POST a browser sends) and prints the median time and the number of SQL queries per save.

    DEBUG=1 .venv/bin/python bench/workflow_save.py [--runs 5]

Uses a throwaway SQLite database in a temporary folder; never touches db.sqlite3.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="kazcms-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DEBUG", "1")
os.environ["MEDIA_ROOT"] = f"{TMP}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazcms.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.publishing import revisions  # noqa: E402
from tests.factories import make_interview, make_photo, make_user  # noqa: E402
from tests.workflow_helpers import admin_url, change_form  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(make_user("Editors"))
    print(f"{'segments':>8} {'median ms':>10} {'queries':>8} {'revisions':>9}")
    for segments in (1, 20, 100):
        piece = make_interview(segments=segments, lead_photo=make_photo())
        times, queries = [], []
        for run in range(args.runs):
            data = change_form(client, piece)
            data["title"] = f"Edited {run}"
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(admin_url(piece), data)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, response.status_code
            queries.append(len(captured))
        count = revisions.versions_of(piece).count()
        print(
            f"{segments:>8} {statistics.median(times):>10.1f} {statistics.median(queries):>8.0f}"
            f" {count:>9}"
        )


if __name__ == "__main__":
    main()
