"""The site's URLs plus uploaded media, so the live server shows photos as production does."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from kazcms.urls import urlpatterns as site_urlpatterns


def media(request, path):
    # MEDIA_ROOT is a per-test temporary folder: read it at request time.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
