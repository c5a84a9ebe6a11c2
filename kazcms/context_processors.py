from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.models import ContentVersion, SitePage, SiteSettings


def site(request):
    """Site name, canonical URL and staff-edited site texts (read only if a page uses them)."""
    canonical = f"{request.scheme}://{request.get_host()}{request.path}"
    page = request.GET.get("page", "")
    if page.isdigit() and int(page) > 1:
        canonical += f"?page={int(page)}"
    return {
        "site_name": settings.KAZCMS_SITE_NAME,
        "canonical_url": canonical,
        "site_settings": SimpleLazyObject(SiteSettings.load),
        # Read on every page: kept until the content changes.
        "footer_pages": SimpleLazyObject(
            lambda: ContentVersion.cached("footer-pages", SitePage.footer_links)
        ),
    }
