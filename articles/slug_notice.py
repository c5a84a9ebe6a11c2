"""Slug changes the editor sees: the admin says when a saved web address differs from the typed one.

While the editor types a title, Django's admin proposes a slug in the title's own letters
(the slug fields allow Unicode, and its URLify knows no Kazakh letters to transliterate); on
save, ``unique_slug`` writes it in Latin letters and makes it unique. ``slug_latin.js`` makes
the proposal the server's own transliteration; when the saved address still differs from the
one on screen (a hand-typed slug, a taken one), the save says so instead of changing silently.
"""

from django.contrib import messages


class SlugNoticeAdminMixin:
    """For a ModelAdmin of a model with a ``slug``: the slug proposed while typing is in Latin
    letters as the server writes it (``slug_latin.js``), and a message says when the saved slug
    is not the one in the form (made unique, typed by hand) or was made from the name or title.
    """

    class Media:  # an admin that declares its own Media lists this script itself (PieceAdmin)
        js = ["kazcms/slug_latin.js"]

    def save_model(self, request, obj, form, change):
        typed = (form.cleaned_data.get("slug") or "").strip() if "slug" in form.fields else None
        before = obj.slug if change else None
        super().save_model(request, obj, form, change)
        if typed is None or obj.slug == before:
            return
        if not typed:
            source = self.prepopulated_fields.get("slug", ["name"])[0]
            message = f"The web address was made from the {source}: “{obj.slug}”."
            level = messages.INFO
        elif obj.slug != typed:
            message = (
                f"The web address was saved as “{obj.slug}”, not “{typed}” as typed: addresses "
                "are written in Latin letters, and each must be unique. Change it if needed."
            )
            level = messages.WARNING
        else:
            return
        self.message_user(request, message, level)
