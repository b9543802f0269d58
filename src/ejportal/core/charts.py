"""Charts drawn on the server as SVG with pygal (no script, no network): horizontal bars
with their values printed on them, for the survey results and the director's dashboard.
A page shows each chart with a table of its numbers beside it (a picture is not read out)."""
import sys

import pygal
from lxml import etree
from pygal.style import Style

# pygal puts a finder for its map plugins (unused here) on sys.meta_path, of the old kind
# without find_spec: every import that reaches it warns (an error under the tests' filters)
sys.meta_path[:] = [finder for finder in sys.meta_path
                    if not isinstance(finder, pygal.PluginImportFixer)]

STYLE = Style(background='white', plot_background='white',
              colors=('#3b6ea5', '#c9822b', '#5a9e5a', '#a54b4b'),
              font_family='sans-serif', value_font_size=14, label_font_size=13)


def bar_chart(title, labels, series, percent):
    """The SVG (a string) of horizontal bars: one group per label, one bar per series
    ``(name, values, formatter)``; ``percent`` fixes the scale at 0–100. Text passes as
    text (lxml escapes it)."""
    chart = pygal.HorizontalBar(
        style=STYLE, width=640, height=max(160, 60 + 42 * len(labels) * max(
            1, len(series) // 2)), show_legend=len(series) > 1, print_values=True, js=[],
        disable_xml_declaration=True, explicit_size=True,
        range=(0, 100) if percent else None, truncate_label=60, legend_at_bottom=True)
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


def number(value):
    """A figure as printed on a chart or beside it: 12, 12.5, '—' for none."""
    if value is None:
        return '—'
    return ('%.1f' % value).rstrip('0').rstrip('.') if isinstance(value, float) else str(value)


def percent(value):
    return '—' if value is None else '%s%%' % number(value)
