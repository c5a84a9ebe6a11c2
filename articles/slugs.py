"""Slugs that are never empty and readable in Latin letters, also for Cyrillic and Kazakh titles."""

from django.utils.text import slugify

# Russian and Kazakh Cyrillic to Latin, close to the Kazakh 2021 Latin alphabet and BGN/PCGN.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i",
}  # fmt: skip
_TABLE = str.maketrans(_CYRILLIC | {k.upper(): v.capitalize() for k, v in _CYRILLIC.items()})


def slugify_text(text, max_length=200):
    """A Latin slug for any title; falls back to a Unicode slug for scripts we cannot map."""
    slug = slugify(str(text).translate(_TABLE)) or slugify(str(text), allow_unicode=True)
    return slug[:max_length].strip("-")


def unique_slug(instance, text, field_name="slug", fallback="item"):
    """A slug for ``instance`` from ``text`` that no other row of its table uses."""
    model = instance._meta.concrete_model
    while model._meta.parents:  # multi-table children share the parent's slug space
        model = next(iter(model._meta.parents))
    max_length = model._meta.get_field(field_name).max_length - 10
    base = slugify_text(text, max_length) or fallback
    others = (
        model._default_manager.exclude(pk=instance.pk) if instance.pk else model._default_manager
    )
    taken = set(
        others.filter(**{f"{field_name}__startswith": base}).values_list(field_name, flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
