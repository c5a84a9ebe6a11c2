import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazcms.settings")
application = get_wsgi_application()

from kazcms.page_cache import wsgi_application  # noqa: E402 (needs the settings loaded)

# Readers' cached pages answered before Django's handler (kazcms/page_cache.py).
application = wsgi_application(application)
