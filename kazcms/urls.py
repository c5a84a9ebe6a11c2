import re

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path

from articles import views as article_views

from . import views

admin.site.site_header = "KazCMS newsroom"
admin.site.site_title = "KazCMS"
admin.site.index_title = "Newsroom"


def favicon(request):
    # Browsers ask for /favicon.ico on every page that names none (the admin's included).
    return redirect(static_url("img/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("healthz", views.health, name="health"),
    path("", article_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("staff/", include("kazcms.staff.urls")),  # sign-in, second factor, recovery codes
    path("", include("articles.urls")),
    path("", include("interviews.urls")),
    path("newsletter/", include("newsletter.urls")),
]

if settings.MEDIA_URL.startswith("/"):  # media on this host; the view answers if told to
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.*)$", views.media, name="media"))

# Last, so every other address wins: About, Contact and the other pages staff edit.
urlpatterns.append(path("<str:slug>/", article_views.site_page, name="page"))

# A database outage answers 503 with Retry-After; any other uncaught error the plain 500 page.
handler500 = "kazcms.errors.server_error"
# A form past the size limits gets a page saying what to shorten, not a bare 400.
handler400 = "kazcms.errors.bad_request"
