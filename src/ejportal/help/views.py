"""The help area's screens and JSON doors: thin views over ``resources`` and the actions
(editing is the generic ``EditContent``, the one door of every versioned change)."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.content import find_root, item_at
from ejportal.core.forms import FormView, back_on_refusal
from ejportal.core.responses import json_response, jsonable
from ejportal.core.traversal import JSON_VIEW
from ejportal.help.actions import MarkDone
from ejportal.help.resources import AUDIENCE_TITLES, Course, CourseLesson, HelpPage, HelpSection
from ejportal.help.schemas import edit_form_schema
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.security import (
    EDIT, READ_HELP, ROLES, TAKE_COURSE, VIEW_COURSE_PROGRESS, VIEW_PUBLIC)
from ejportal.site.content_actions import EditContent
from ejportal.site.resources import get_portal


def url_of(request, obj):
    return request.resource_url(obj).rstrip('/')


def language(request):
    return request.locale_name


def readable(request, objects):
    return [obj for obj in objects if request.has_permission(READ_HELP, obj)]


def user_roles(request):
    user = request.user
    return set(user.roles) if user is not None else set()


def course_summary(request, course):
    """A course as its index entry: title, lessons, and the reader's progress where the
    course is theirs to take."""
    lang = language(request)
    entry = {'@id': url_of(request, course), 'id': course.__name__,
             'title': course.title_in(lang), 'audience': course.audience,
             'lessons': len(course.lessons())}
    if request.user is not None and request.has_permission(TAKE_COURSE, course):
        done, total = course.progress(request.user.__name__)
        entry.update(done=done, finished=bool(total) and done == total)
    return entry


def text_json(request, obj):
    title, text, lang = obj.in_language(language(request))
    version = obj.current_version
    return {'@id': url_of(request, obj), '@type': obj.type_name, 'id': obj.__name__,
            'title': title, 'text': text, 'language': lang,
            'version': version.number if version else None,
            'modified': obj.modified}


def versions_of(request, obj):
    """The versions, newest first, for those who edit (the history of the one versioning)."""
    if not request.has_permission(EDIT, obj):
        return ()
    return list(reversed(obj.versions or []))


def text_page(request, obj):
    title, text, lang = obj.in_language(language(request))
    return {'title': title, 'text': text, 'fallback': lang != language(request),
            'can_edit': request.has_permission(EDIT, obj),
            'versions': versions_of(request, obj)}


def courses_panel(request):
    """The start page: the courses the user takes and has not finished, with progress."""
    if request.user is None:
        return None
    section = item_at(get_portal(request), '/help')
    if section is None:
        return None
    items = []
    for course in section.courses():
        if not request.has_permission(TAKE_COURSE, course):
            continue
        done, total = course.progress(request.user.__name__)
        if total and done < total:
            items.append({'title': course.title_in(language(request)),
                          'url': request.resource_url(course),
                          'note': _('${done} of ${total} done',
                                    mapping={'done': done, 'total': total})})
    if not items:
        return None
    return {'title': _('Training courses'), 'items': items}


# -- the index -----------------------------------------------------------------------------

def index_data(context, request):
    lang, roles = language(request), user_roles(request)
    pages = []
    for page in readable(request, context.pages()):
        pages.append({'page': page, 'title': page.title_in(lang),
                      'mine': bool(roles & set(page.roles)),
                      'roles': [title for r, title in ROLES.items() if r in page.roles]})
    pages.sort(key=lambda p: not p['mine'])     # the reader's own first, in their order
    courses = [dict(course_summary(request, c), course=c)
               for c in readable(request, context.courses())]
    return pages, courses


@view_config(context=HelpSection, permission=VIEW_PUBLIC, request_method='GET',
             renderer=template('help/index.pt'))
def index(context, request):
    pages, courses = index_data(context, request)
    return {'title': _('Help'), 'pages': pages, 'courses': courses,
            'can_progress': request.has_permission(VIEW_COURSE_PROGRESS, context),
            'audiences': AUDIENCE_TITLES}


@view_config(context=HelpSection, name=JSON_VIEW, permission=VIEW_PUBLIC, request_method='GET')
def index_json(context, request):
    pages, courses = index_data(context, request)
    items = [{'@id': url_of(request, p['page']), 'id': p['page'].__name__,
              'title': p['title'], 'roles': list(p['page'].roles),
              'public': p['page'].public} for p in pages]
    for course in courses:
        del course['course']
    return json_response(jsonable({'@id': url_of(request, context), 'items': items,
                                   'courses': courses}, request.localizer))


# -- pages ---------------------------------------------------------------------------------

@view_config(context=HelpPage, permission=READ_HELP, request_method='GET',
             renderer=template('help/page.pt'))
def page_view(context, request):
    return text_page(request, context)


@view_config(context=HelpPage, name=JSON_VIEW, permission=READ_HELP, request_method='GET')
@view_config(context=CourseLesson, name=JSON_VIEW, permission=READ_HELP, request_method='GET')
def text_get_json(context, request):
    data = text_json(request, context)
    if isinstance(context, HelpPage):
        data.update(roles=list(context.roles), public=context.public)
    else:
        data['course'] = url_of(request, context.__parent__)
        if request.user is not None and request.has_permission(TAKE_COURSE, context):
            data['done'] = context.is_done_by(request.user.__name__)
    return json_response(jsonable(data, request.localizer))


@view_config(context=HelpPage, name='edit', permission=EDIT, renderer=template('form.pt'))
@view_config(context=Course, name='edit', permission=EDIT, renderer=template('form.pt'))
@view_config(context=CourseLesson, name='edit', permission=EDIT, renderer=template('form.pt'))
class EditHelpView(FormView):
    """The administrator's form: both languages, the rich text cleaned on save; each save
    is a new version with its comment (``EditContent``, as the API's PATCH)."""

    @property
    def title(self):
        return _('Edit "${title}"', mapping={'title': self.context.title})

    def schema_instance(self):
        return edit_form_schema(self.context.schema)

    def appstruct(self):
        fields = self.context.content()
        if 'roles' in fields:
            fields['roles'] = set(fields['roles'] or ())
        return fields

    def save_success(self, appstruct):
        EditContent(self.context, self.request).run(appstruct)
        self.request.session.flash(_('Saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context))


# -- courses -------------------------------------------------------------------------------

def course_data(context, request):
    userid = request.user.__name__ if request.user is not None else None
    taking = userid is not None and request.has_permission(TAKE_COURSE, context)
    lang = language(request)
    lessons = [{'lesson': lesson, 'title': lesson.title_in(lang),
                'done': taking and lesson.is_done_by(userid)} for lesson in context.lessons()]
    done = sum(1 for lesson in lessons if lesson['done'])
    return lessons, taking, done


@view_config(context=Course, permission=READ_HELP, request_method='GET',
             renderer=template('help/course.pt'))
def course_view(context, request):
    lessons, taking, done = course_data(context, request)
    result = text_page(request, context)
    result.update(lessons=lessons, taking=taking, done=done, total=len(lessons),
                  can_progress=request.has_permission(VIEW_COURSE_PROGRESS, context))
    return result


@view_config(context=Course, name=JSON_VIEW, permission=READ_HELP, request_method='GET')
def course_json(context, request):
    lessons, taking, done = course_data(context, request)
    data = text_json(request, context)
    data.update(audience=context.audience, lessons=[
        dict({'@id': url_of(request, item['lesson']), 'id': item['lesson'].__name__,
              'title': item['title']}, **({'done': item['done']} if taking else {}))
        for item in lessons])
    if taking:
        data['progress'] = {'done': done, 'total': len(lessons),
                            'finished': bool(lessons) and done == len(lessons)}
    return json_response(jsonable(data, request.localizer))


def progress_rows(context, request):
    """Everyone the course is for (enabled accounts), by name: lessons done, and when they
    finished."""
    users = find_root(context)['people']['users']
    roles = set(context.audience_roles())
    rows = []
    for user in users.values():
        if not user.enabled or not roles & set(user.roles):
            continue
        done, total = context.progress(user.__name__)
        rows.append({'name': user.fullname, 'done': done, 'total': total,
                     'finished': context.finished_on(user.__name__)})
    rows.sort(key=lambda row: (row['finished'] is None, row['name']))
    return rows


@view_config(context=Course, name='progress', permission=VIEW_COURSE_PROGRESS,
             request_method='GET', renderer=template('help/progress.pt'))
def progress_view(context, request):
    rows = progress_rows(context, request)
    return {'title': _('help-progress-title', default='Who has taken "${title}"',
                       mapping={'title': context.title_in(language(request))}),
            'rows': rows, 'finished': sum(1 for row in rows if row['finished'])}


@view_config(context=Course, name='@progress', permission=VIEW_COURSE_PROGRESS,
             request_method='GET')
def progress_json(context, request):
    return json_response(jsonable({'@id': url_of(request, context),
                                   'items': progress_rows(context, request)},
                                  request.localizer))


# -- lessons -------------------------------------------------------------------------------

@view_config(context=CourseLesson, permission=READ_HELP, request_method='GET',
             renderer=template('help/lesson.pt'))
def lesson_view(context, request):
    result = text_page(request, context)
    taking = request.user is not None and request.has_permission(TAKE_COURSE, context)
    course = context.__parent__
    done, total = course.progress(request.user.__name__) if taking else (0, 0)
    result.update(course=course, course_title=course.title_in(language(request)),
                  taking=taking, done=taking and context.is_done_by(request.user.__name__),
                  progress_done=done, progress_total=total, next=context.next_lesson())
    return result


@view_config(context=CourseLesson, name='done', permission=TAKE_COURSE, request_method='POST',
             decorator=back_on_refusal())
def done_form(context, request):
    MarkDone(context, request)()
    request.session.flash(_('help-lesson-done', default='Marked as done.'), 'success')
    following = context.next_lesson()
    return HTTPSeeOther(request.resource_url(following or context.__parent__))


@view_config(context=CourseLesson, name='@done', permission=TAKE_COURSE, request_method='POST')
def done_json(context, request):
    done, total = MarkDone(context, request)()
    return json_response({'done': True, 'progress': {'done': done, 'total': total,
                                                     'finished': done == total}})
