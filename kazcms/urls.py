from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path

from articles import views as article_views

admin.site.site_header = "KazCMS newsroom"
admin.site.site_title = "KazCMS"
admin.site.index_title = "Newsroom"


def favicon(request):
    # Browsers ask for /favicon.ico on every page that names none (the admin's included).
    return redirect(static_url("img/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("", article_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("staff/", include("kazcms.staff.urls")),  # sign-in, second factor, recovery codes
    path("", include("articles.urls")),
    path("", include("interviews.urls")),
    path("newsletter/", include("newsletter.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
