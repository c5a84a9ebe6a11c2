from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles import views as article_views

admin.site.site_header = "KazCMS newsroom"
admin.site.site_title = "KazCMS"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("", article_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    path("", include("interviews.urls")),
    path("newsletter/", include("newsletter.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
