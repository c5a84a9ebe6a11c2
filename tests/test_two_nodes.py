"""Two app nodes behind nginx, one PostgreSQL, Redis and an S3 server: the site as it runs on
more than one machine, started by the test from the repository's own deploy/ settings.

Node A and node B are gunicorn processes (production settings, DEBUG off) on two loopback
ports, sharing the test database, a redis-server of the test's own (the page cache and every
other cache) and moto's S3 server (media). nginx, with a config generated here, balances
them. Runs on PostgreSQL only (SQLite cannot be shared by processes this way); skips only
when nginx is not installed (.ci/run installs Debian's).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Article, Photo

from .factories import image_bytes, make_article, make_photo
from .formdata import form_data
from .test_cache_redis import own_redis  # noqa: F401 (a fixture)
from .test_production import closed_port
from .test_settings import ROOT
from .test_storage_s3 import CREDENTIALS, REGION, bucket, s3_endpoint  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db(transaction=True)]

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
START_SECONDS = 60
REDIS_DB = 13  # this work's Redis database number


@pytest.fixture(autouse=True)
def needs_postgresql_and_nginx():
    if connection.vendor != "postgresql":
        pytest.skip("two nodes share one PostgreSQL database: this runs on the PostgreSQL leg")
    if NGINX is None:
        pytest.skip("nginx is not installed (.ci/run installs Debian's nginx package)")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic as `make serve` runs it: the nodes serve hashed names, DEBUG off."""
    root = tmp_path_factory.mktemp("collected")
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x", "ALLOWED_HOSTS": "localhost"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**env, "STATIC_ROOT": str(root)},
        check=True,
        timeout=300,
    )
    return root


def database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for_port(port, process):
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server on {port} exited ({process.returncode})"
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
    raise AssertionError(f"nothing listened on {port} within {START_SECONDS} s")


@pytest.fixture
def nodes(settings, static_root, own_redis, bucket, s3_endpoint, tmp_path):  # noqa: F811
    redis_url, start_redis, stop_redis = own_redis
    _s3, bucket_name = bucket
    env = {
        **os.environ,
        **CREDENTIALS,
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions the test signs in with
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KAZCMS_INSECURE_HTTP": "1",
        "STATIC_ROOT": str(static_root),
        "REDIS_URL": redis_url.rsplit("/", 1)[0] + f"/{REDIS_DB}",
        "CACHE_KEY_PREFIX": f"two-nodes-{uuid.uuid4().hex[:8]}",
        "AWS_STORAGE_BUCKET_NAME": bucket_name,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "ERROR",
        # No worker beside the nodes here: renditions are built in the upload's request.
        "KAZCMS_TASKS": "immediate",
    }
    processes, ports = [], {}
    try:
        for name in ("a", "b"):
            ports[name] = closed_port()
            log = open(tmp_path / f"node-{name}.log", "w")  # noqa: SIM115 (closed with the process)
            node_env = {
                **env,
                "KAZCMS_BIND": f"127.0.0.1:{ports[name]}",
                "GUNICORN_ACCESS_LOG": str(tmp_path / f"access-{name}.log"),
            }
            command = [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"]
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=node_env, stdout=log, stderr=log)
            )
        ports["nginx"] = closed_port()
        conf = tmp_path / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(tmp=tmp_path, a=ports["a"], b=ports["b"], port=ports["nginx"])
        )
        processes.append(
            subprocess.Popen(
                [NGINX, "-p", str(tmp_path), "-e", str(tmp_path / "nginx-error.log")]
                + ["-c", str(conf), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        for name, process in zip(("a", "b", "nginx"), processes, strict=True):
            wait_for_port(ports[name], process)
        yield {name: f"http://127.0.0.1:{port}" for name, port in ports.items()} | {
            "stop_redis": stop_redis,
            "logs": tmp_path,
        }
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream kazcms {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://kazcms;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}
}}
"""


def staff_session(editor):
    """A browser session of a signed-in editor (second factor passed), valid on every node:
    sessions live in the shared database."""
    client = Client()
    client.force_login(editor)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    return session


def post_form(session, url, form_id, files=None, **changes):
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    data = {**form_data(page.text, form_id), **changes}
    response = session.post(
        url, data=data, files=files, headers={"Referer": url}, allow_redirects=False, timeout=30
    )
    errors = re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', response.text, re.S)
    assert response.status_code == 302, (url, response.status_code, errors)
    return response


def poll(url, predicate, seconds=2.0):
    """GET ``url`` until ``predicate(response)`` holds; fail after ``seconds`` (no sleeping:
    each try is a real request)."""
    started = time.monotonic()
    while True:
        response = requests.get(url, timeout=10)
        if predicate(response):
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, f"{url} did not change within {seconds} s"


def test_two_nodes_share_uploads_publishing_and_survive_redis_stopping(nodes, editor):
    a, b, lb = nodes["a"], nodes["b"], nodes["nginx"]
    session = staff_session(editor)

    # An upload through node A: its original and renditions land in the bucket.
    add = a + reverse("admin:articles_photo_add")
    files = {"image": ("osh-market.jpg", image_bytes(), "image/jpeg")}
    post_form(
        session,
        add,
        "photo_form",
        files=files,
        caption="Osh market",
        alt_text="Melon stalls",
        credit_text="Staff",
    )
    photo = Photo.objects.get(caption="Osh market")

    # A draft using it, published through node A's admin while node B's pages are cached.
    piece = make_article(
        title="Published on node A",
        status=Article.Status.DRAFT,
        published_at=None,
        lead_photo=photo,
    )
    make_article(title="Already public", lead_photo=make_photo(renditions=False))
    for _ in range(2):
        home_b = requests.get(b + "/", timeout=10)
    assert home_b.headers["X-Page-Cache"] == "hit"
    assert "Published on node A" not in home_b.text
    assert requests.get(b + piece.get_absolute_url(), timeout=10).status_code == 404
    change = a + reverse("admin:articles_article_change", args=[piece.pk])
    post_form(session, change, "article_form", status=Article.Status.PUBLISHED, _save="Save")
    took = poll(b + "/", lambda r: "Published on node A" in r.text)
    assert took < 2
    page_b = poll(b + piece.get_absolute_url(), lambda r: r.status_code == 200)
    assert page_b < 2

    # Node B serves the upload node A made: the page links to the bucket, the file is there.
    html = requests.get(b + piece.get_absolute_url(), timeout=10).text
    photo_urls = re.findall(r'src="(http://[^"]+\.(?:jpg|jpeg|webp|avif))"', html)
    assert photo_urls, "node B's page shows no photo from the bucket"
    image = requests.get(photo_urls[0], timeout=10)
    assert image.status_code == 200 and image.headers["Content-Type"].startswith("image/")

    # Through nginx both nodes answer; stopping Redis mid-run loses no request.
    statuses = [requests.get(lb + "/", timeout=10).status_code for _ in range(6)]
    nodes["stop_redis"]()
    statuses += [requests.get(lb + url, timeout=10).status_code for url in ["/"] * 6]
    statuses += [requests.get(lb + piece.get_absolute_url(), timeout=10).status_code]
    assert statuses == [200] * len(statuses)
    logs = nodes["logs"]
    assert (logs / "access-a.log").read_text() and (logs / "access-b.log").read_text()
