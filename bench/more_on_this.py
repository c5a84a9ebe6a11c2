"""Latency of the "More on this" query on a large archive (PostgreSQL).

Creates N synthetic published pieces tagged from a few regions and topics (once), then times
``Article.objects.published().sharing_tags_with(piece)[:4]`` for a fixed set of pieces.

Run (a database of your own; it is filled, not dropped):
  createdb -h 127.0.0.1 -U postgres sharing_bench
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/sharing_bench DEBUG=1 \\
      .venv/bin/python manage.py migrate -v0
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/sharing_bench DEBUG=1 \\
      .venv/bin/python bench/more_on_this.py --articles 100000
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazcms.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Region, TaggedRegion, TaggedTopic, Topic  # noqa: E402

BATCH = 5000


def fill(total):
    rng = random.Random(6)
    regions = [Region.objects.get_or_create(name=f"Bench region {n}")[0] for n in range(5)]
    topics = [Topic.objects.get_or_create(name=f"Bench topic {n}")[0] for n in range(20)]
    have = Article.objects.filter(slug__startswith="bench-").count()
    now = timezone.now()
    for start in range(have, total, BATCH):
        with transaction.atomic():
            pieces = Article.objects.bulk_create(
                Article(
                    title=f"Bench piece {n}",
                    slug=f"bench-{n}",
                    body="<p>Synthetic.</p>",
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=n),
                )
                for n in range(start, min(start + BATCH, total))
            )
            TaggedRegion.objects.bulk_create(
                TaggedRegion(content_object=p, tag=rng.choice(regions)) for p in pieces
            )
            TaggedTopic.objects.bulk_create(
                TaggedTopic(content_object=p, tag=t) for p in pieces for t in rng.sample(topics, 2)
            )
        print(f"  {min(start + BATCH, total)} / {total} pieces", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    fill(args.articles)
    sample = list(
        Article.objects.filter(slug__startswith="bench-")
        .order_by("pk")
        .prefetch_related("regions", "topics")[:: max(1, args.articles // 50)]
    )
    times = []
    for n in range(args.runs):
        piece = sample[n % len(sample)]
        start = time.perf_counter()
        list(Article.objects.published().sharing_tags_with(piece)[:4])
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        f"more on this, {args.articles} pieces, {args.runs} runs: "
        f"median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
