from django.utils.functional import SimpleLazyObject

from articles.models import InEditionLanguage

from .callbox import NewsletterSettings


def newsletter(request):
    """The newsletter's name and pitch for every page, in the page's language (read only if a
    page uses them)."""
    return {
        "newsletter_settings": SimpleLazyObject(
            lambda: InEditionLanguage(NewsletterSettings.load())
        )
    }
