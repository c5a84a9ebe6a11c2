"""Template tags for what a piece shows to search engines, social networks and printers."""

from django import template
from django.utils.html import format_html, format_html_join

from articles.discovery import structured_data

register = template.Library()


@register.simple_tag(takes_context=True)
def piece_meta(context, article):
    """OpenGraph and Twitter card tags, then the JSON-LD graph, for a piece page's <head>."""
    request = context["request"]
    tags = format_html_join(
        "\n",
        '<meta {}="{}" content="{}">',
        structured_data.social_meta(request, article),
    )
    return format_html("{}\n{}", tags, structured_data.article_json_ld(request, article))


@register.simple_tag(takes_context=True)
def site_meta(context, title, description):
    """OpenGraph tags and the WebSite JSON-LD for the home page's <head>."""
    request = context["request"]
    tags = format_html_join(
        "\n",
        '<meta {}="{}" content="{}">',
        structured_data.site_social_meta(request, title, description),
    )
    return format_html("{}\n{}", tags, structured_data.site_json_ld(request))
