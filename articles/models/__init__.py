"""Every model of the newsroom core, one module per domain; import them from here.

- ``base``: SluggedModel (the named things' slug rule), SingletonModel (settings rows)
- ``people``: Person
- ``identity``: SealedIdentity, who is behind a pen name (restricted)
- ``funding``: Programme (bureaus), Funder, FundingProject
- ``photos``: Photo and its queryset
- ``vocabularies``: Region and Topic tags and their through models
- ``pieces``: Article (the piece every piece type extends; its contract), RelatedArticle
- ``piece_queryset``: ArticleQuerySet: states, filters and one recipe per page
- ``inline_rows``: Rows, a to-many relation read as a JSON array inside its row's own query
  (a piece page's authors, tags, funding, corrections, links and translations in one query)
- ``states``: State and ``state_q``, the one definition of draft/review/scheduled/published
- ``editorial``: Correction, AuditEvent
- ``preview_links``: PreviewLink and PreviewLinkView, outsiders' previews of a piece
- ``translatable``: TranslatableModel, names and texts per language (LocalText)
- ``site``: SiteSettings, SitePage (About, Contact, … at /<slug>/)
- ``versions``: ContentVersion (what the page cache and cached counts key on)
"""

from .base import SingletonModel, SluggedModel
from .editorial import AuditEvent, Correction
from .funding import DEFAULT_ACKNOWLEDGEMENT, Funder, FundingProject, Programme
from .identity import SealedIdentity
from .people import Person
from .photos import Photo, PhotoQuerySet
from .pieces import Article, ArticleQuerySet, RelatedArticle, sanitize_field
from .preview_links import PreviewLink, PreviewLinkView
from .site import SitePage, SiteSettings
from .states import State, state_q
from .translatable import InEditionLanguage, LocalText, TranslatableModel
from .versions import ContentVersion
from .vocabularies import Region, TaggedRegion, TaggedTopic, Topic

__all__ = [
    "DEFAULT_ACKNOWLEDGEMENT",
    "Article",
    "ArticleQuerySet",
    "AuditEvent",
    "ContentVersion",
    "Correction",
    "Funder",
    "InEditionLanguage",
    "LocalText",
    "FundingProject",
    "Person",
    "Photo",
    "PhotoQuerySet",
    "PreviewLink",
    "PreviewLinkView",
    "Programme",
    "RelatedArticle",
    "Region",
    "SitePage",
    "SealedIdentity",
    "SiteSettings",
    "SingletonModel",
    "SluggedModel",
    "State",
    "TaggedRegion",
    "TaggedTopic",
    "Topic",
    "TranslatableModel",
    "sanitize_field",
    "state_q",
]
