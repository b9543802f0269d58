"""Rich text is cleaned on save against an allow-list (nh3, the Ammonia sanitiser):
no script, no event handler, no ``javascript:`` link survives. One sanitiser for every
area that stores HTML (documents, help pages), and one editor to write it with."""
import deform
import nh3

TAGS = {'p', 'br', 'div', 'span', 'b', 'strong', 'i', 'em', 'u', 's', 'sub', 'sup',
        'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'hr', 'a',
        'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col'}
ATTRIBUTES = {'a': {'href', 'title'}, 'td': {'colspan', 'rowspan'},
              'th': {'colspan', 'rowspan', 'scope'}, 'ol': {'start'}}
URL_SCHEMES = {'http', 'https', 'mailto'}


def clean_html(value):
    """``value`` with only the allowed tags, attributes and link schemes left."""
    if not value:
        return ''
    return nh3.clean(value, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel='noopener noreferrer', strip_comments=True)


# The editor every rich-text field uses: lists, tables and links, the allow-list's tags.
# No status bar: its element path breaks ARIA rules (axe: aria-allowed-attr).
RICH_TEXT = deform.widget.RichTextWidget(delayed_load=False, options=(
    ('plugins', 'lists table link'), ('menubar', False), ('statusbar', False)))
