# The English edition and the admin in English keep British dates ("3 Dec 2026", 03/12/2026),
# as the newsroom wrote them when the site was English only (LANGUAGE_CODE "en-gb").
from django.conf.locale.en_GB.formats import *  # noqa: F403
