from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.models import ContentVersion, Funder, InEditionLanguage, SitePage, SiteSettings
from articles.pagination import page_number


def site(request):
    """Site name, canonical URL and staff-edited site texts in the page's language (read only
    if a page uses them)."""
    canonical = f"{request.scheme}://{request.get_host()}{request.path}"
    page = page_number(request)
    if page is not None and page > 1:
        canonical += f"?page={page}"
    return {
        "site_name": settings.KAZCMS_SITE_NAME,
        "canonical_url": canonical,
        "site_settings": SimpleLazyObject(lambda: InEditionLanguage(SiteSettings.load())),
        # Read on every page: kept until the content changes.
        "footer_pages": SimpleLazyObject(
            lambda: ContentVersion.cached("footer-pages", SitePage.footer_links)
        ),
        "footer_funders": SimpleLazyObject(
            lambda: ContentVersion.cached("footer-funders", Funder.footer_links)
        ),
    }
