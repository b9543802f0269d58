"""The normative print form of a document (A4), shared by the print view, the PDF and the
public site. The PDF is WeasyPrint's rendering of the very same template."""
from pyramid.renderers import render

from ejportal.core.files import PDF, download_response, html_to_pdf
from ejportal.documents.acknowledgement import school_localizer, sheet_rows
from ejportal.documents.plan import evidence_links
from ejportal.documents.references import register_short, regulation_kinds
from ejportal.documents.resources import (
    STEP_STATUS_TITLES, Appendix, Order, Regulation, RolloutPlan, occurrence_title)
from ejportal.i18n import format_date
from ejportal.paths import template
from ejportal.site.resources import get_portal


def files_data(request, doc, public):
    """The document's files: on the public site those it had when signed, linked to their
    public download; otherwise all of them."""
    files = doc.public_attachments() if public else doc.attachments()
    return [{'filename': f.filename, 'size': f.size,
             'url': request.resource_url(f, '@@public') if public else request.resource_url(f)}
            for f in files]


def _appendix_data(appendix, version=None, request=None, public=False):
    content = (version or appendix.last_signed or appendix.current_version).content \
        if appendix.versions else appendix.content()
    data = {'heading': appendix.heading, 'title': content.get('title', ''),
            'body': content.get('body', ''), 'steps': None, 'number': appendix.number,
            'status': None, 'archived': False,
            'kind': content.get('kind', 'text'),
            'files': files_data(request, appendix, public) if request is not None else []}
    if isinstance(appendix, RolloutPlan):
        data['steps'] = content.get('steps') or []
        data['done'] = dict(appendix.done_steps or {})
    return data


def sentence(text):
    """``text`` ending in one full stop: "Петрова А.И." stays as it is, "Петрова" gets one."""
    text = (text or '').strip()
    return text if not text or text[-1] in '.!?…' else text + '.'


def print_data(doc, request, version=None, public=False, with_sheet=False):
    """What ``documents/print.pt`` shows: from ``version`` if given, else the current
    content (the working copy never)."""
    portal = get_portal(request)
    settings = portal['settings']
    content = version.content if version is not None else doc.content()
    data = {'school': settings.school_full_name or settings.school_name,
            'type': doc.type_name, 'c': content, 'public': public,
            'title': content.get('title', ''), 'format_date': format_date,
            'sentence': sentence,
            'version': version or doc.current_version, 'appendices': [], 'sheet': None,
            'editions': None, 'pdf_url': None, 'kind_title': '', 'approved': '',
            'reference': '', 'register': '', 'appendix': None, 'for_pdf': False,
            'files': files_data(request, doc, public)}
    if isinstance(doc, Order):
        number, date = content.get('number'), content.get('date')
        data['reference'] = ('№ %s' % number) if number else ''
        data['date'] = format_date(date) if date else '__.__.____'
        data['register'] = register_short(portal, content.get('register'))
        data['appendices'] = [_appendix_data(a, request=request, public=public)
                              for a in doc.appendices()]
        if with_sheet and not public:
            data['sheet'] = sheet_rows(doc)
    elif isinstance(doc, Regulation):
        data['kind_title'] = {e['id']: e['title'] for e in regulation_kinds(portal)}.get(
            content.get('kind'), '')
        order = doc.approving_order
        if order is not None and order.number is not None:
            data['approved'] = 'Утверждено приказом %s' % order.reference
    elif isinstance(doc, Appendix):
        data['appendix'] = _appendix_data(doc, version, request=request, public=public)
        if isinstance(doc, RolloutPlan) and not public:
            data['appendix']['status'] = plan_status(doc, request)
            data['appendix']['archived'] = doc.archived()
    return data


def plan_status(plan, request):
    """Step number -> the status column of the printed checklist, in the school's language
    like the rest of the print form: the status, who marked it and when, the note, what
    fulfils it."""
    translate = school_localizer(request.registry).translate
    users = get_portal(request)['people']['users']
    found = {}
    for step in plan.plan_steps():
        mark = step.mark()
        lines = [translate(STEP_STATUS_TITLES[step.status()])]
        if step.repeat:
            lines[0] += ' (%s)' % translate(occurrence_title(step.occurrence()))
        if mark:
            user = users.get(mark['userid'])
            lines.append('%s, %s' % (user.short_name if user else mark['userid'],
                                     format_date(mark['time'])))
            if mark.get('note'):
                lines.append('«%s»' % mark['note'])
            lines += [link['title'] for link in evidence_links(request, mark.get('evidence'))]
        found[step.number] = '\n'.join(lines)
    return found


def render_print(request, data):
    return render(template('documents/print.pt'), data, request=request)


def pdf_response(request, data):
    data = dict(data, for_pdf=True)
    pdf = html_to_pdf(request, render_print(request, data))
    return download_response(pdf, pdf_filename(data), PDF, inline=True)


def pdf_filename(data):
    """Named by the document: «№ 181 от 15.08.2012 О введении электронного журнала….pdf»."""
    dated = data.get('reference') and data.get('date') and '_' not in data['date']
    reference = '%s от %s' % (data['reference'], data['date']) if dated else data.get('reference')
    name = ' '.join(part for part in (reference, data.get('title')) if part)
    return (name[:120] or 'document') + '.pdf'
