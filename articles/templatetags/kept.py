"""``{% kept "name" value… %}…{% endkept %}``: markup rendered once per content version and
edition, for the parts of pages that many pages share and that depend on nothing else (the
masthead, the footer, the calls, teasers). The values name what else the markup depends on
(a teaser: its piece and heading level). Never wrap anything that depends on the request, the
reader or the page it sits on: that belongs outside the block, or into the values.

``unless value`` at the end renders the block afresh, unkept, when the value is true: a
preview shows the piece as it is now, and nothing it renders is kept for readers."""

from django import template

from articles.models import ContentVersion

register = template.Library()


@register.tag
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('{% kept %} needs a name: {% kept "footer" %}')
    unless = None
    if len(bits) > 3 and bits[-2] == "unless":
        unless = parser.compile_filter(bits[-1])
        bits = bits[:-2]
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]], unless)


class KeptNode(template.Node):
    def __init__(self, nodelist, vary_on, unless=None):
        self.nodelist = nodelist
        self.vary_on = vary_on
        self.unless = unless

    def render(self, context):
        if self.unless is not None and self.unless.resolve(context):
            return self.nodelist.render(context)
        key = tuple(value.resolve(context) for value in self.vary_on)
        return ContentVersion.fragment(key, lambda: self.nodelist.render(context))
