import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path, register_converter
from django.urls.converters import StringConverter

from articles import views as article_views
from articles.discovery.sitemaps import sitemap_urls

from . import views

admin.site.site_header = "KazCMS newsroom"
admin.site.site_title = "KazCMS"
admin.site.index_title = "Newsroom"


def favicon(request):
    # Browsers ask for /favicon.ico on every page that names none (the admin's included).
    return redirect(static_url("img/favicon.svg"))


class PageSlugConverter(StringConverter):
    # Letters, digits, - and _ (no dots): /sitemap-x.xml and other file-like addresses never
    # reach the site pages' catch-all, nor get redirected into an edition.
    regex = r"[-\w]+"


register_converter(PageSlugConverter, "page_slug")

urlpatterns = [
    path("favicon.ico", favicon),
    path("healthz", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("staff/", include("kazcms.staff.urls")),  # sign-in, second factor, recovery codes
    # One sitemap index for every edition (its entries name each page's translations).
    path("", include((sitemap_urls(), "sitemaps"))),
]

if settings.MEDIA_URL.startswith("/"):  # media on this host; the view answers if told to
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.*)$", views.media, name="media"))

# The readers' site: one edition per language, each under its prefix (/en/, /ru/, /kk/, /ky/).
# An address without one (/, an old /articles/x/) redirects to the reader's browser language.
urlpatterns += i18n_patterns(
    path("", article_views.home, name="home"),
    path("", include("articles.urls")),
    path("", include("interviews.urls")),
    path("newsletter/", include("newsletter.urls")),
    # Last, so every other address wins: About, Contact and the other pages staff edit.
    path("<page_slug:slug>/", article_views.site_page, name="page"),
)

# A database outage answers 503 with Retry-After; any other uncaught error the plain 500 page.
handler500 = "kazcms.errors.server_error"
# A form past the size limits gets a page saying what to shorten, not a bare 400.
handler400 = "kazcms.errors.bad_request"
