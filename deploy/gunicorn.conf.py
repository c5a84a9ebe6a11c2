"""gunicorn settings for KazCMS: `gunicorn -c deploy/gunicorn.conf.py` (``make serve`` uses it).

Sync workers: pages are short CPU-bound renders; nginx in front buffers slow clients.
"""

import os

wsgi_app = "kazcms.wsgi:application"
bind = os.environ.get("KAZCMS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Worker heartbeats on tmpfs: a slow disk must not get healthy workers killed (gunicorn's advice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# "-": to stdout; set it empty for none (nginx in front keeps its own).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# No runtime control socket: its default path is shared by every gunicorn of the same user.
control_socket_disable = True
# Load the app before forking: a settings error stops the server at once, not worker by worker.
preload_app = True
