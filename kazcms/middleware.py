"""Site-wide middleware."""

from django.middleware.gzip import GZipMiddleware

# What is worth compressing: pages, feeds, sitemaps, JSON, CSV. Photos and XLSX files are
# compressed already; static files come pre-compressed from WhiteNoise.
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/ld+json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
)


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, with its BREACH mitigation, for text responses only."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)
