"""The results' charts (``core.charts``): a bar per option or scale value, its count and
percentage printed on it."""
from ejportal.core.charts import bar_chart, number, percent


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
    return bar_chart(item['title'], labels, [(
        '', values, lambda p: '%d (%s%%)' % (counts.get(p, 0), number(p)))], percent=True)


def comparison_chart(pair, this_title, other_title):
    labels = [r['title'] if isinstance(r['title'], str) else '' for r in pair['rows']]
    in_percent = pair['kind'] != 'scale'
    fmt = percent if in_percent else number
    return bar_chart(pair['title'], labels, [
        (other_title, [r['other'] for r in pair['rows']], fmt),
        (this_title, [r['this'] for r in pair['rows']], fmt)], in_percent)

