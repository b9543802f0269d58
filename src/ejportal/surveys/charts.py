"""The results' charts, drawn on the server as SVG with pygal (no script, no network): a
bar per option or scale value, its count and percentage printed on it."""
import sys

import pygal
from lxml import etree
from pygal.style import Style

# pygal puts a finder for its map plugins (unused here) on sys.meta_path, of the old kind
# without find_spec: every import that reaches it warns (an error under the tests' filters)
sys.meta_path[:] = [finder for finder in sys.meta_path
                    if not isinstance(finder, pygal.PluginImportFixer)]

STYLE = Style(background='white', plot_background='white', colors=('#3b6ea5', '#c9822b'),
              font_family='sans-serif', value_font_size=14, label_font_size=13)


def _chart(title, labels, series, percent):
    chart = pygal.HorizontalBar(
        style=STYLE, width=640, height=max(160, 60 + 42 * len(labels)), show_legend=len(
            series) > 1, print_values=True, js=[], disable_xml_declaration=True,
        explicit_size=True, range=(0, 100) if percent else None, truncate_label=60,
        legend_at_bottom=True)
    chart.title = title
    chart.x_labels = labels
    for name, values, formatter in series:
        chart.add(name, values, formatter=formatter)
    tree = chart.render_tree()
    # pygal always writes a script with its configuration (the user's titles among it):
    # the page shows a static picture and runs none of it
    for script in tree.iter('{*}script', 'script'):
        script.getparent().remove(script)
    return etree.tostring(tree, encoding='unicode')


def question_chart(item):
    """The SVG of one question's results (see ``resources.results``), or '' for text."""
    if item['kind'] in ('single', 'multiple'):
        rows = item['options']
        labels = [r['title'] for r in rows]
    elif item['kind'] == 'scale':
        rows = item['distribution']
        labels = [str(r['value']) for r in rows]
    else:
        return ''
    values = [{'value': r['percent'], 'label': '%d' % r['count']} for r in rows]
    counts = {r['percent']: r['count'] for r in rows}
    return _chart(item['title'], labels, [(
        '', values, lambda p: '%d (%s%%)' % (counts.get(p, 0), _number(p)))], percent=True)


def comparison_chart(pair, this_title, other_title):
    labels = [r['title'] if isinstance(r['title'], str) else '' for r in pair['rows']]
    percent = pair['kind'] != 'scale'
    fmt = (lambda v: '%s%%' % _number(v)) if percent else _number
    return _chart(pair['title'], labels, [
        (other_title, [r['other'] for r in pair['rows']], fmt),
        (this_title, [r['this'] for r in pair['rows']], fmt)], percent)


def _number(value):
    if value is None:
        return '—'
    return ('%.1f' % value).rstrip('0').rstrip('.') if isinstance(value, float) else str(value)
