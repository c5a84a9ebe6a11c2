"""Mailing benchmark: send one mailing to N confirmed subscribers through the real worker
(`manage.py db_worker`, a subprocess) and a local SMTP server (aiosmtpd, in this process).

    .venv/bin/python bench/mailing.py [--subscribers 10000] [--batch 200] [--workers 1]
                                      [--kill-after 0] [--database-url postgres://…]

Runs on a throw-away SQLite database (or --database-url postgres://…/db, which it empties
and fills). Reports messages per second (first to last message accepted by the server) and
the worker's peak RSS (the largest of the --workers processes, each sending one chain of
batches). With --kill-after N the worker is killed (SIGKILL) once N messages
have arrived, then `send_mailings` (treating their claims as expired) and new workers finish
the job; the run then checks that
every subscriber got the mailing once (none twice; a message the server had when the worker
died is "interrupted": maybe delivered, never resent).
"""

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="db_worker processes")
    parser.add_argument("--kill-after", type=int, default=0, help="kill the workers after N")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kazcms-bench-mailing-"))
    from tests.smtp import start_server

    controller, collector = start_server()
    env = {
        "DEBUG": "1",
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_SETTINGS_MODULE": "kazcms.settings",
        "KAZCMS_TASKS": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": controller.hostname,
        "EMAIL_PORT": str(controller.port),
        "KAZCMS_MAILING_BATCH_SIZE": str(args.batch),
        "KAZCMS_MAILING_PARALLEL": str(args.workers),
        "KAZCMS_SITE_URL": "https://news.example.org",
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Article
    from newsletter import sending
    from newsletter.models import Mailing, Subscriber

    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{i:06d}@example.org", status=Subscriber.Status.CONFIRMED)
        for i in range(args.subscribers)
    )
    mailing = Mailing.objects.create(subject="Bench mailing", intro="<p>Hello, readers.</p>")
    for position in range(1, 6):
        piece = Article.objects.create(
            title=f"Bench story {position}",
            standfirst="A standfirst of the usual length for a teaser in the newsletter.",
            status=Article.Status.PUBLISHED,
        )
        mailing.items.create(piece=piece, position=position)
    sending.start(mailing)
    # Write the deliveries and queue the chains now, so every worker finds work at once
    # (`db_worker --batch` exits when the queue is empty).
    sending.send_mailing.call(mailing.pk)
    print(
        f"{args.subscribers:,} confirmed subscribers, batches of {args.batch}, "
        f"SMTP on {controller.hostname}:{controller.port}"
    )

    python = str(ROOT / ".venv" / "bin" / "python")
    worker_cmd = [python, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    worker_cmd += ["--interval", "0"]
    started = time.perf_counter()

    def start_workers():
        return [
            subprocess.Popen(worker_cmd, cwd=ROOT, env={**os.environ, **env})
            for _ in range(args.workers)
        ]

    workers = start_workers()
    if args.kill_after:
        with collector.arrived:
            collector.arrived.wait_for(lambda: len(collector.raw) >= args.kill_after, 600)
        for worker in workers:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        print(f"killed the workers after {len(collector.raw):,} messages had arrived")
        # The operator's restart: the dead workers' claims count as expired at once (else
        # they would wait KAZCMS_MAILING_CLAIM_SECONDS), then the workers start again.
        subprocess.run(
            [python, "manage.py", "send_mailings"],
            cwd=ROOT,
            env={**os.environ, **env, "KAZCMS_MAILING_CLAIM_SECONDS": "0"},
            check=True,
        )
        workers = start_workers()
    for worker in workers:
        worker.wait()
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    controller.stop()

    counts = Counter(collector.recipients())
    twice = [address for address, n in counts.items() if n > 1]
    log = Mailing.objects.get(pk=mailing.pk).send_log()
    print(f"messages accepted by the SMTP server: {len(collector.raw):,}")
    print(f"distinct recipients: {len(counts):,}; sent twice: {len(twice)}")
    print(f"send log: {log}")
    print(
        f"throughput: {len(collector.raw) / elapsed:,.0f} messages/s with {args.workers} "
        f"worker(s) "
        f"({elapsed:.1f} s, worker start-up included)"
    )
    print(f"worker peak RSS: {peak_mb:.0f} MB")
    # An interrupted delivery may or may not have reached the server; it is never resent.
    ok = not twice and args.subscribers - log["interrupted"] <= len(counts) <= args.subscribers
    print("exactly once: " + ("yes" if ok else "NO"))
    print(f"(work files in {workdir}; remove with rm -r)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
