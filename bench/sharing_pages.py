"""Query counts and render times of the pages this work touches, on the demo newsroom.

Run: DEBUG=1 .venv/bin/python manage.py load_demo && DEBUG=1 .venv/bin/python bench/sharing_pages.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazcms.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from articles.models import Article  # noqa: E402

RUNS = 50


class Counter:
    """A database execute wrapper that records every statement."""

    def __init__(self, executed):
        self.executed = executed

    def __call__(self, execute, sql, params, many, context):
        self.executed.append(sql)
        return execute(sql, params, many, context)


def main():
    client = Client(HTTP_HOST="127.0.0.1")
    pieces = list(Article.objects.published()[:2])
    urls = ["/", *[piece.get_absolute_url() for piece in pieces], "/archive/"]
    if pieces:
        year = pieces[0].published_at.year
        urls += [f"/archive/{year}/", f"/archive/{year}/{pieces[0].published_at.month:02d}/"]
    urls.append("/newsletter/")
    for url in urls:
        executed = []
        client.get(url)  # warm-up: connection, templates
        with connection.execute_wrapper(Counter(executed)):
            status = client.get(url).status_code
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(
            f"{url:55} {status} queries={len(executed):2d} "
            f"median={statistics.median(times):6.1f} ms  p95={times[int(RUNS * 0.95) - 1]:6.1f} ms"
        )


if __name__ == "__main__":
    main()
