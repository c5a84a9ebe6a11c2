"""Search latency on a large synthetic archive (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres kazcms_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kazcms_bench \\
        .venv/bin/python bench/search.py --articles 100000 --rounds 5

Migrates the database and, when it holds fewer synthetic articles than asked, adds them
with the demo generator (which fills their search vectors). Then it runs a fixed list of
queries (common and rare words, phrases, operators, filters, Russian and Kazakh, misses,
hostile input) and prints the median and 95th percentile of:

- the search itself: form, ranked ids and the page's rows with excerpts (no HTTP, no template);
- the whole page through Django's test client, with its database time;
- the CPU time the page took in this process and its PostgreSQL backend (from
  /proc/<pid>/schedstat): on a busy shared machine the wall clock mostly measures the wait
  for a CPU, so the load average is printed too.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazcms.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles.demo import generate_synthetic  # noqa: E402
from articles.discovery.search.forms import SearchForm  # noqa: E402
from articles.discovery.search.query import result_pieces  # noqa: E402
from articles.models import Article  # noqa: E402

# Common words (in most synthetic pieces), rarer combinations, phrases, operators, a title
# number, Russian and Kazakh words, misses and hostile input: the mix a search box gets.
QUERIES = [
    {"q": "water"},
    {"q": "election"},
    {"q": "border police"},
    {"q": "water energy reform"},
    {"q": '"river trade"'},
    {"q": "court -police"},
    {"q": "journalist OR teacher"},
    {"q": "elections reforms migrants"},
    {"q": "12345"},
    {"q": "99999"},
    {"q": "pension", "kind": "news"},
    {"q": "harvest", "date_from": "2020-01-01", "date_to": "2030-12-31"},
    {"q": "school", "page": "3"},
    {"q": "выборы"},
    {"q": "полицейские реформы"},
    {"q": "Қазақстанның"},
    {"q": "shooting spree"},
    {"q": "land reform protests"},
    {"q": "xylophone"},
    {"q": "zzzz qqqq"},
    {"q": "'; DROP TABLE articles_article; --"},
    {"q": "water " * 40},
    {"kind": "analysis"},
    {"q": "a"},
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the list")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL: set DATABASE_URL.")

    call_command("migrate", verbosity=0)
    have = Article.objects.filter(slug__startswith="synthetic-").count()
    if have < args.articles:
        print(f"Generating {args.articles - have:,} synthetic articles…", flush=True)
        call_command("load_demo", verbosity=0)
        generate_synthetic(args.articles - have)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE articles_article")
    total = Article.objects.published().count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    client = Client()
    url = reverse("articles:search")

    for params in QUERIES:  # warm-up: caches, plans, connections
        assert client.get(url, params).status_code == 200, params

    # Per request: wall-clock ms, database ms (as Django saw it), queries, and the CPU time
    # this process and its PostgreSQL backend actually ran (from /proc/<pid>/schedstat):
    # on a busy shared machine the wall clock mostly measures the wait for a CPU.
    runs = {key(params): [] for params in QUERIES}
    for _ in range(args.rounds):
        for params in QUERIES:
            cpu_before = cpu_ms(os.getpid()) + cpu_ms(backend)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, params)
                elapsed = (time.perf_counter() - started) * 1000
            cpu = cpu_ms(os.getpid()) + cpu_ms(backend) - cpu_before
            assert response.status_code == 200, params
            sql = sum(float(q["time"]) for q in captured.captured_queries) * 1000
            runs[key(params)].append((elapsed, sql, len(captured), cpu))

    # The search itself, without HTTP and template: form, ranked ids, the page's rows.
    search_runs = []
    for _ in range(args.rounds):
        for params in QUERIES:
            started = time.perf_counter()
            form = SearchForm(params)
            if form.has_criteria():
                ids = form.result_ids()
                page = int(params.get("page", 1))
                result_pieces(ids[(page - 1) * 20 : page * 20], form.cleaned_data["q"])
            search_runs.append((time.perf_counter() - started) * 1000)

    print(f"{total:,} published pieces; {len(QUERIES)} queries x {args.rounds} rounds")
    print(f"{'query':50} {'page ms':>8} {'SQL ms':>7} {'CPU ms':>7} {'SQL':>4} {'hits':>5}")
    for params in QUERIES:
        values = runs[key(params)]
        form = SearchForm(params)
        hits = len(form.result_ids()) if form.has_criteria() else 0
        page_ms = statistics.median(v[0] for v in values)
        sql_ms = statistics.median(v[1] for v in values)
        cpu = statistics.median(v[3] for v in values)
        print(f"{key(params):50} {page_ms:8.1f} {sql_ms:7.1f} {cpu:7.1f} {values[0][2]:4} {hits:5}")
    every = [v for values in runs.values() for v in values]
    print(f"\nsearch (form, ranked ids, page rows + excerpts): {summary(search_runs)}")
    print(f"whole page (HTTP, search, template):         {summary([v[0] for v in every])}")
    print(f"database time of the page's queries:         {summary([v[1] for v in every])}")
    print(f"CPU time of the page (Django + PostgreSQL):  {summary([v[3] for v in every])}")
    load = os.getloadavg()[0]
    print(f"target: p95 under 50 ms. Load average at the end: {load:.2f} on {os.cpu_count()} CPUs")


def cpu_ms(pid):
    """Milliseconds process ``pid`` has run on a CPU (Linux /proc/<pid>/schedstat)."""
    with open(f"/proc/{pid}/schedstat") as stat:
        return int(stat.read().split()[0]) / 1e6


def key(params):
    return " ".join(f"{k}={v}" for k, v in params.items())[:50]


def summary(values):
    values = sorted(values)
    p95 = values[max(0, round(0.95 * len(values)) - 1)]
    return (
        f"median {statistics.median(values):6.1f} ms, p95 {p95:6.1f} ms, max {values[-1]:6.1f} ms"
    )


if __name__ == "__main__":
    main()
