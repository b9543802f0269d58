"""Whom an announcement may be sent to, and who is in each audience: read from the people
and the journal through the portal tree (the journal's classes and students are traversed,
not imported: areas do not import each other).

An audience is a key: ``parents`` (the parents of every class of the current year),
``staff``, ``grade-5`` (the parents of grade 5), ``class-5a`` (the parents of 5 А)."""
from ejportal.i18n import _
from ejportal.security import ANNOUNCE_TO_SCHOOL, MANAGE_CLASS


def current_classes(portal):
    journal = portal.get('journal')
    year = journal.current_year() if journal is not None else None
    return year['classes'].current() if year is not None else []


def audiences_for(request, section):
    """``[(key, title)]``: the audiences the request's user may write to. The director and
    the administrator: everyone; a class teacher: the parents of their own classes (those
    where they hold the class teacher's local role)."""
    portal = section.__parent__
    everyone = request.has_permission(ANNOUNCE_TO_SCHOOL, section)
    classes = current_classes(portal)
    choices = []
    if everyone:
        choices.append(('parents', _('announce-all-parents', default='All parents')))
        choices.append(('staff', _('announce-all-staff', default='All staff')))
        for grade in sorted({c.grade for c in classes}):
            choices.append(('grade-%d' % grade, _(
                'announce-grade', default='Parents of grade ${grade}',
                mapping={'grade': grade})))
    for school_class in classes:
        if everyone or request.has_permission(MANAGE_CLASS, school_class):
            choices.append(('class-' + school_class.__name__, _(
                'announce-class', default='Parents of ${class_title}',
                mapping={'class_title': school_class.title})))
    return choices


def known_audience(portal, key):
    """Whether ``key`` names an audience of this school at all (whoever may address it)."""
    if key in ('parents', 'staff'):
        return True
    classes = current_classes(portal)
    if key.startswith('grade-'):
        return any('grade-%d' % c.grade == key for c in classes)
    if key.startswith('class-'):
        return any('class-' + c.__name__ == key for c in classes)
    return False


def recipients(portal, key):
    """The logins of the enabled users in the audience ``key``, sorted."""
    users = portal['people']['users']
    if key == 'staff':
        found = {u.__name__ for u in users.values() if u.is_staff()}
    else:
        found = set()
        for school_class in current_classes(portal):
            if key == 'parents' or key == 'grade-%d' % school_class.grade or \
                    key == 'class-' + school_class.__name__:
                for student in school_class.current_students():
                    found.update(login for login in student.parents or () if login)
    return sorted(login for login in found
                  if login in users and getattr(users[login], 'enabled', False))
