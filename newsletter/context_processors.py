from django.utils.functional import SimpleLazyObject

from .callbox import NewsletterSettings


def newsletter(request):
    """The newsletter's name and pitch for every page (read only if a page uses them)."""
    return {"newsletter_settings": SimpleLazyObject(NewsletterSettings.load)}
