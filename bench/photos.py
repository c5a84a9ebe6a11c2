"""Photo pipeline benchmark: upload and process a batch of large JPEGs through the admin form,
then measure what a phone downloads for the demo article's lead photo.

    .venv/bin/python bench/photos.py [--count 50] [--size 6000x4000] [--distinct 5]
                                     [--tasks database|immediate]

Runs on a throw-away SQLite database and media folder (nothing in the project is touched).
Reports seconds per photo (whole admin POST: upload parsing, verification, metadata stripping,
re-encoding the original, building every rendition, saving the row), peak memory (process RSS),
and the bytes the browser fetches for the demo article's lead image at a 400 px wide viewport
(what srcset/sizes select, at device pixel ratios 1 and 2) versus the stored original.

With ``--tasks database`` (the default, as in production) the renditions are built by the
worker after the save, so the admin POST no longer includes them: the script then runs the
worker (``db_worker --batch``) and reports its seconds per photo separately. ``--tasks
immediate`` builds them inside the request, as before background tasks.
"""

import argparse
import io
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb():
    # ru_maxrss is in KiB on Linux: the peak resident set of this process so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_large_jpeg(seed, size):
    """A camera-like JPEG: gradients, shapes and sensor noise, with GPS and serial in EXIF."""
    from PIL import ExifTags, Image, ImageDraw

    width, height = size
    base = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 28 + seed)
    red = Image.blend(base, noise, 0.35)
    green = Image.blend(base.rotate(90, expand=False).resize(size), noise, 0.3)
    blue = Image.blend(base.transpose(Image.Transpose.FLIP_LEFT_RIGHT), noise, 0.4)
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x, y = (seed * 997 + i * 613) % width, (seed * 577 + i * 421) % height
        r = 150 + (i * 37) % 400
        draw.ellipse([x - r, y - r, x + r, y + r], fill=((i * 40) % 255, 90, 200 - i * 10))
    exif = Image.Exif()
    exif[0x0110] = "Bench Camera"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (43.0, 15.0, 30.0), 3: "E", 4: (76.0, 57.0, 0.0)}
    exif[ExifTags.IFD.Exif] = {0xA431: "SERIAL-0001"}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def write_large_jpeg(path, seed, size):
    path.write_bytes(make_large_jpeg(seed, size))


def evaluate_sizes(sizes, viewport):
    """The slot width (CSS px) a browser takes from our ``sizes`` attribute at ``viewport``."""
    rem = 16
    for part in [p.strip() for p in sizes.split(",")]:
        match = re.fullmatch(r"\(min-width:\s*([\d.]+)rem\)\s+(.+)", part)
        if match:
            if viewport >= float(match.group(1)) * rem:
                return length(match.group(2), viewport)
            continue
        return length(part, viewport)
    return viewport


def length(text, viewport):
    rem = 16
    if m := re.fullmatch(r"([\d.]+)rem", text):
        return float(m.group(1)) * rem
    if m := re.fullmatch(r"([\d.]+)vw", text):
        return float(m.group(1)) * viewport / 100
    if m := re.fullmatch(r"calc\(100vw - ([\d.]+)rem\)", text):
        return viewport - float(m.group(1)) * rem
    raise ValueError(f"unhandled sizes length: {text}")


def pick(srcset, slot, dpr):
    """The candidate a browser picks: the narrowest at least slot×dpr wide, else the widest."""
    candidates = sorted(
        (int(w), url) for url, w in re.findall(r"(\S+) (\d+)w", srcset.replace(",", " "))
    )
    for width, url in candidates:
        if width >= slot * dpr:
            return url, width
    return candidates[-1][1], candidates[-1][0]


def lead_image_report(client, url, label, uploaded=None):
    from django.core.files.storage import default_storage

    html = client.get(url).content.decode()
    figure = re.search(r'<figure class="photo lead">.*?</figure>', html, re.S).group(0)
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)"', figure)
    img = re.search(r'<img src="[^"]+" srcset="([^"]+)" sizes="([^"]+)"', figure)
    from articles.models import Article

    article = Article.objects.select_related("lead_photo").get(slug=url.strip("/").split("/")[-1])
    original_name = article.lead_photo.image.name
    original_bytes = default_storage.size(original_name)
    print(f"\n{label}: {url}")
    print(
        f"  original stored: {article.lead_photo.width}x{article.lead_photo.height}, "
        f"{original_bytes:,} bytes" + (f" (uploaded {uploaded:,})" if uploaded else "")
    )
    for dpr in (1, 2):
        slot = evaluate_sizes(webp.group(2), 400)
        for kind, srcset in (("WebP", webp.group(1)), ("JPEG", img.group(1))):
            chosen, width = pick(srcset, slot, dpr)
            size = default_storage.size(chosen.removeprefix("/media/"))
            print(
                f"  400 px viewport, DPR {dpr} ({slot:.0f} px slot): {kind} {width}w "
                f"= {size:,} bytes ({size / original_bytes:.2%} of the original)"
            )


def pass_second_factor(client, user):
    """Staff need a second factor for the admin: a confirmed TOTP device, verified."""
    import django_otp
    from django.http import HttpRequest
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    request = HttpRequest()
    request.session, request.user = client.session, user
    django_otp.login(request, device)
    request.session.save()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--size", default="6000x4000")
    parser.add_argument("--distinct", type=int, default=5, help="different pictures to cycle")
    parser.add_argument("--direct", type=int, default=10, help="photos saved without HTTP first")
    parser.add_argument("--tasks", choices=["database", "immediate"], default="database")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))

    workdir = Path(tempfile.mkdtemp(prefix="kazcms-bench-photos-"))
    os.environ.update(
        {
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_SETTINGS_MODULE": "kazcms.settings",
            "KAZCMS_TASKS": args.tasks,
            "LOG_LEVEL": "ERROR",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article, Photo

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", "b@example.org", "bench-pw-1234")
    client = Client()
    client.force_login(user)
    pass_second_factor(client, user)

    print(f"Generating {args.distinct} distinct {width}x{height} JPEGs (GPS in EXIF)...")
    # In child processes, so this process's peak memory is the upload pipeline's alone.
    sources = [workdir / f"source-{seed}.jpg" for seed in range(args.distinct)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(
            pool.map(
                write_large_jpeg, sources, range(args.distinct), [(width, height)] * args.distinct
            )
        )
    sizes = [p.stat().st_size for p in sources]
    print(f"  file sizes {min(sizes) / 1e6:.1f}-{max(sizes) / 1e6:.1f} MB")

    # Phase 1: the pipeline alone (Photo.save with an uploaded file), as the shell would.
    baseline = rss_mb()
    direct = []
    for i in range(args.direct):
        photo = Photo(caption=f"Direct {i}", alt_text="Generated", credit_text="Bench")
        photo.image = SimpleUploadedFile("direct.jpg", sources[i % len(sources)].read_bytes())
        t0 = time.perf_counter()
        photo.save()
        direct.append(time.perf_counter() - t0)
    if direct:
        print(
            f"\nPipeline only (Photo.save), {len(direct)} photos: "
            f"{statistics.mean(direct):.2f} s per photo (median "
            f"{statistics.median(direct):.2f}); peak RSS {rss_mb():.0f} MB "
            f"(before: {baseline:.0f} MB)"
        )

    # Phase 2: the editor's path, a multipart POST to the admin add form.
    baseline = rss_mb()
    timings, cpu = [], []  # wall-clock and CPU seconds (CPU is what a busy machine distorts least)
    started = time.perf_counter()
    for i in range(args.count):
        content = sources[i % len(sources)].read_bytes()
        upload = SimpleUploadedFile(f"IMG_{i:04d}.jpg", content, content_type="image/jpeg")
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.post(
            reverse("admin:articles_photo_add"),
            {
                "image": upload,
                "caption": f"Bench photo {i}",
                "alt_text": "A generated test picture",
                "credit_text": "Bench",
                "licence": Photo.Licence.ALL_RIGHTS_RESERVED,
                "focal_x": "50",
                "focal_y": "50",
                "_save": "Save",
            },
        )
        timings.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if response.status_code != 302:
            sys.exit(f"upload {i} refused: {response.context['adminform'].form.errors}")
        if "/admin/articles/photo/" not in response["Location"]:
            sys.exit(f"upload {i} not saved: redirected to {response['Location']}")
        print(f"\r  {i + 1}/{args.count} photos", end="", flush=True)
    total = time.perf_counter() - started
    print()
    print(f"\nBatch: {args.count} photos of {width}x{height} through the admin add form")
    print(
        f"  seconds per photo: mean {statistics.mean(timings):.2f}, "
        f"median {statistics.median(timings):.2f}, max {max(timings):.2f} "
        f"(total {total:.1f}s, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end)"
    )
    print(
        f"  CPU seconds per photo (this process): mean {statistics.mean(cpu):.2f}, "
        f"median {statistics.median(cpu):.2f}, max {max(cpu):.2f}"
    )
    print(f"  peak RSS: {rss_mb():.0f} MB (peak before the batch: {baseline:.0f} MB)")
    if args.tasks == "database":
        queued = Photo.objects.filter(renditions={}).count()
        t0 = time.perf_counter()
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
        worker = time.perf_counter() - t0
        print(
            f"  worker (db_worker --batch): {queued} photos' renditions in {worker:.1f}s, "
            f"{worker / max(queued, 1):.2f} s per photo, off the editor's request"
        )
    per_photo = Photo.objects.filter(caption__startswith="Bench photo").first()
    print(
        f"  renditions per photo: {len(per_photo.renditions['files'])}, "
        f"{sum(f['bytes'] for f in per_photo.renditions['files']):,} bytes in all"
    )

    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    if args.tasks == "database":  # the demo photos' renditions
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
    lead_image_report(
        client, "/interviews/after-the-shootings-what-next/", "Demo article lead image"
    )
    # The same page shape with one of the large uploads as its lead photo.
    big = Photo.objects.filter(caption__startswith="Bench photo").order_by("pk").first()
    article = Article.objects.create(
        title="Bench piece",
        slug="bench-piece",
        status=Article.Status.PUBLISHED,
        lead_photo=big,
    )
    lead_image_report(
        client, article.get_absolute_url(), f"Article with a {args.size} upload", sizes[0]
    )
    print(f"\n(work files in {workdir}; remove with rm -r)")


if __name__ == "__main__":
    main()
