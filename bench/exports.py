"""Benchmark: time each export format from the command line, with peak memory.

Builds scratch databases of 10,000 and 100,000 published pieces (the demo newsroom plus the
core's synthetic generator, each piece also put under one or two funding projects), then runs
``manage.py export_articles --format F --output FILE`` in a child process per format and reads
the child's own peak resident memory with ``os.wait4``. SQLite and PostgreSQL.

    .venv/bin/python bench/exports.py                        # both databases, 10k and 100k rows
    .venv/bin/python bench/exports.py --databases sqlite --rows 10000
    .venv/bin/python bench/exports.py --formats csv --repeat 3    # fastest of three runs
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/kazcms_exports_bench .venv/bin/python ...

Targets (issue 4): CSV of 100,000 rows in under 10 s and under 150 MB peak memory, and peak
memory that does not grow between 10,000 and 100,000 rows.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/kazcms_exports_bench_{rows}"
)
SQLITE_PATH = Path(tempfile.gettempdir()) / "kazcms-exports-bench-{rows}.sqlite3"
FORMATS = ["csv", "xlsx", "json"]


def database_url(kind, rows):
    if kind == "sqlite":
        return f"sqlite:///{str(SQLITE_PATH).format(rows=rows)}"
    return PG_URL.format(rows=rows)


def child_env(url):
    media = os.path.join(tempfile.gettempdir(), "kazcms-exports-bench-media")
    return {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": url,
        "LOG_LEVEL": "ERROR",
        "MEDIA_ROOT": media,
    }


def ensure_pg_database(url):
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def manage(url, *args, **kwargs):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=child_env(url), check=True, **kwargs
    )


SETUP = """
from articles.models import Article
print(Article.objects.count())
"""

ATTACH_PROJECTS = """
import random
from django.db import transaction
from articles.models import Article, FundingProject
projects = list(FundingProject.objects.values_list("pk", flat=True))
link = Article.projects.through
rng = random.Random(7)
done = set(link.objects.values_list("article_id", flat=True))
todo = Article.objects.exclude(pk__in=done).values_list("pk", flat=True).iterator(chunk_size=5000)
batch = []
with transaction.atomic():
    for pk in todo:
        for project in rng.sample(projects, rng.choice([1, 1, 2])):
            batch.append(link(article_id=pk, fundingproject_id=project))
        if len(batch) >= 5000:
            link.objects.bulk_create(batch)
            batch = []
    link.objects.bulk_create(batch)
"""


ANALYZE = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
"""


def prepare(kind, rows):
    """A scratch database with ``rows`` synthetic published pieces (re-used when present)."""
    url = database_url(kind, rows)
    if kind == "pg":
        ensure_pg_database(url)
    manage(url, "migrate", "--noinput", "-v0")
    out = manage(url, "shell", "-c", SETUP, capture_output=True, text=True).stdout.split()
    present = int(out[-1]) if out else 0
    wanted = rows + 5  # the demo newsroom has five pieces
    if present < wanted:
        print(f"  generating {wanted - present:,} pieces in {kind} …", flush=True)
        started = time.monotonic()
        manage(url, "load_demo", "--articles", str(wanted - max(present, 5)), "-v0",
               stdout=subprocess.DEVNULL)  # fmt: skip
        manage(url, "shell", "-c", ATTACH_PROJECTS)
        # Fresh statistics, as autovacuum would give a live database: without them PostgreSQL
        # plans a sequential scan of each link table per batch.
        manage(url, "shell", "-c", ANALYZE)
        print(f"  generated in {time.monotonic() - started:.0f} s", flush=True)
    return url


def measure(url, fmt, output):
    """Wall seconds, CPU seconds and peak resident memory (MB) of one export, in a child
    process of its own."""
    started = time.monotonic()
    process = subprocess.Popen(
        [PYTHON, "manage.py", "export_articles", "--format", fmt, "--output", output],
        cwd=ROOT,
        env=child_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"export failed ({fmt}, {url}): status {status}")
    cpu = usage.ru_utime + usage.ru_stime  # the child's own CPU time: what a busy machine hides
    return seconds, cpu, usage.ru_maxrss / 1024  # Linux reports kilobytes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "pg"])
    parser.add_argument("--rows", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=FORMATS)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per export; the fastest is kept (busy machines)"
    )
    args = parser.parse_args()

    results = []
    for kind in args.databases:
        for rows in args.rows:
            print(f"{kind}, {rows:,} rows", flush=True)
            url = prepare(kind, rows)
            for fmt in args.formats:
                with tempfile.TemporaryDirectory() as folder:
                    output = os.path.join(folder, f"export.{fmt}")
                    runs = [measure(url, fmt, output) for _ in range(args.repeat)]
                    seconds, cpu, _ = min(runs)
                    peak = max(run[2] for run in runs)
                    size = os.path.getsize(output) / 1024 / 1024
                results.append((kind, rows, fmt, seconds, peak, size, cpu))
                print(
                    f"  {fmt:<5} {seconds:6.1f} s (CPU {cpu:5.1f} s)  peak {peak:6.0f} MB  "
                    f"file {size:6.1f} MB",
                    flush=True,
                )

    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("| database | rows | format | wall s | CPU s | peak memory (MB) | file (MB) |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for kind, rows, fmt, seconds, peak, size, cpu in results:
        print(
            f"| {kind} | {rows:,} | {fmt} | {seconds:.1f} | {cpu:.1f} | {peak:.0f} | {size:.1f} |"
        )
    failures = [
        r for r in results if r[1] >= 100_000 and r[2] == "csv" and (r[3] >= 10 or r[4] >= 150)
    ]
    if failures:
        print("\nCSV target missed (10 s, 150 MB):", failures)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
