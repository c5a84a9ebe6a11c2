"""Share links for a piece: plain links to each network's own share page, carrying the
canonical address and the title. No third-party script, button or tracker: the reader's
browser contacts a network only when the reader follows its link."""

from urllib.parse import quote, urlencode

from django.utils.translation import pgettext_lazy


def share_links(url, title):
    """``(network, address)`` pairs, in the order readers in the region use them. The
    networks are brand names; only the e-mail link is a word, named in the edition's language."""
    text = f"{title} {url}"
    return [
        ("Telegram", f"https://t.me/share/url?{urlencode({'url': url, 'text': title})}"),
        ("WhatsApp", f"https://wa.me/?{urlencode({'text': text})}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': url})}"),
        ("X", f"https://x.com/intent/post?{urlencode({'url': url, 'text': title})}"),
        (
            pgettext_lazy("share link", "Email"),
            f"mailto:?subject={quote(title)}&body={quote(text)}",
        ),
    ]
