"""Who a survey is meant for: read from the people and the journal through the portal
tree (the journal's students and classes are traversed, not imported)."""
from ejportal.core.content import find_root

STAFF_KEY = 'staff'  # the response rate's row for staff (no class name looks like it)


def _students(portal):
    journal = portal.get('journal') if hasattr(portal, 'get') else None
    students = journal.get('students') if journal is not None else None
    return list(students.values()) if students is not None else []


def _class_of(student):
    school_class = student.current_class()
    if school_class is None or getattr(school_class, 'archived', False):
        return None
    return school_class


def _matches(survey, school_class):
    return ((not survey.grades or school_class.grade in survey.grades)
            and (not survey.classes or school_class.__name__ in survey.classes))


def audience_classes(survey, user):
    """(in the audience?, the names of the classes through which ``user`` is), the
    classes counting towards the response rate ('staff' for the staff)."""
    if user is None:
        return False, ()
    portal = find_root(survey)
    names, found = set(), False
    if 'staff' in survey.audience and user.is_staff():
        found = True
        names.add(STAFF_KEY)
    family = []
    if 'students' in survey.audience and 'student' in user.roles:
        family += [s for s in _students(portal) if s.login == user.__name__]
    if 'parents' in survey.audience and 'parent' in user.roles:
        family += [s for s in _students(portal) if user.__name__ in (s.parents or ())]
    for student in family:
        school_class = _class_of(student)
        if school_class is not None and _matches(survey, school_class):
            found = True
            names.add(school_class.__name__)
    return found, tuple(sorted(names))


def in_audience(survey, user):
    return audience_classes(survey, user)[0]


def audience_class_names(survey):
    """The names of the classes (and 'staff') whose people are in the audience."""
    names = {row['class'] for row in response_rates(survey)}
    return sorted(names)


def response_rates(survey):
    """Per class of the audience (and the staff): people in the audience, respondents,
    and the rate in percent."""
    portal = find_root(survey)
    people = {}
    for student in _students(portal):
        school_class = _class_of(student)
        if school_class is None or not _matches(survey, school_class):
            continue
        members = people.setdefault(school_class.__name__, [school_class.title, set()])[1]
        if 'students' in survey.audience and student.login:
            members.add(student.login)
        if 'parents' in survey.audience:
            members.update(p for p in student.parents or () if p)
    if 'staff' in survey.audience:
        users = portal['people']['users'].values()
        people[STAFF_KEY] = [None, {u.__name__ for u in users if u.enabled and u.is_staff()}]
    rows = []
    for name, (title, members) in sorted(people.items()):
        answered = survey.answered_in(name)
        rows.append({'class': name, 'title': title, 'audience': len(members),
                     'answered': answered,
                     'percent': round(100.0 * answered / len(members), 1) if members else 0.0})
    return rows
