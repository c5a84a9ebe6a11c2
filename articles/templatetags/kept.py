"""``{% kept "name" value… %}…{% endkept %}``: markup rendered once per content version and
edition, for the parts of pages that many pages share and that depend on nothing else (the
masthead, the footer, the calls, teasers). The values name what else the markup depends on
(a teaser: its piece and heading level). Never wrap anything that depends on the request, the
reader or the page it sits on: that belongs outside the block."""

from django import template

from articles.models import ContentVersion

register = template.Library()


@register.tag
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('{% kept %} needs a name: {% kept "footer" %}')
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class KeptNode(template.Node):
    def __init__(self, nodelist, vary_on):
        self.nodelist = nodelist
        self.vary_on = vary_on

    def render(self, context):
        key = tuple(value.resolve(context) for value in self.vary_on)
        return ContentVersion.fragment(key, lambda: self.nodelist.render(context))
