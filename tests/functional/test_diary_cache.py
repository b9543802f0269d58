"""The week served from the response cache: every kind of change a week shows moves its
tag (``diary.model.week_stamp``, the layout's ``nav_stamp``), so neither a browser's 304
nor a cached body can show an old week. The suite runs with
``ejportal.response_cache_verify``: each cache hit is rendered again and compared, so a
missed dependency fails here as a server error, not as a stale page."""
import datetime

import pytest
import transaction
from pyramid.traversal import find_resource
from ZODB.blob import Blob

from ejportal.diary.desk import record_absence
from ejportal.diary.resources import student_file
from ejportal.journal.plan import apply_plan_topics, set_plan
from ejportal.journal.resources import add_journal, split_subgroups

from test_diary import JSON, MATH_5A, STUDENT, TODAY, YEAR

MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday())
CLASS_5A = YEAR + '/classes/5a'


def this_week(journal):
    return journal.lessons_between(MONDAY, MONDAY + datetime.timedelta(days=5))


def free_number(journal, day):
    taken = {l.number for l in journal.lessons_between(day, day)}
    return next(n for n in range(1, 12) if n not in taken)


def math(root):
    return find_resource(root, MATH_5A)


def student(root):
    return root['journal']['students'][STUDENT]


def set_mark(root):
    lesson = this_week(math(root))[0]
    math(root).set_cell(STUDENT, lesson.id, (('5', 'answer', 1),), check_closed=False)


def edit_topic(root):
    lesson = this_week(math(root))[0]
    math(root).edit_lesson(lesson, {'topic': 'Новая тема', 'homework': '№ 101'})


def plan_for_the_week(root):
    set_plan(math(root), [{'number': 1, 'topic': 'Тема из КТП', 'hours': 1, 'section': ''}])


def topics_from_the_plan(root):
    # the plan gives the lessons their topics: the lessons change, the journal does not
    apply_plan_topics(math(root), MONDAY, keep_own=False)
    assert this_week(math(root))[0].topic == 'Тема из КТП'


def attach_homework_file(root):
    lesson = this_week(math(root))[0]
    math(root).set_lesson_files(lesson, ({'name': 'задание.pdf', 'kind': 'pdf', 'size': 3,
                                          'blob': Blob(b'%PDF')},))


def add_lesson(root):
    math(root).add_lesson(MONDAY, free_number(math(root), MONDAY), topic='Добавленный урок')


def remove_lesson(root):
    added = [l for l in this_week(math(root)) if l.topic == 'Добавленный урок'][0]
    math(root).remove_lesson(added.id)


def remark(root):
    student_file(student(root), create=True).add_remark(MONDAY, 'Молодец!', 'praise')


def absence(root):
    record_absence(student(root), MONDAY, MONDAY, 'б', 'болезнь')


def rename_student(root):
    student(root).update({'first_name': 'Дмитрий-Иван'})


def rename_subject_title(root):
    math(root).subject_title = 'Алгебра'


def rename_mark_kind(root):
    set_mark(root)
    transaction.commit()
    from ejportal.site.books import EditEntry
    EditEntry(root['settings']['mark-kinds'], None, 'answer')({'title': 'Устный ответ'})


def change_a_weight(root):
    set_mark(root)
    transaction.commit()
    from ejportal.site.books import EditEntry
    EditEntry(root['settings']['mark-kinds'], None, 'answer')({'weight': '3'})


def new_journal(root):
    school_class = find_resource(root, CLASS_5A)
    subject = next(s for s in root['journal']['subjects'].values()
                   if s.__name__ not in school_class['journals'])
    journal = add_journal(school_class, subject, '', '')
    journal.add_lesson(MONDAY, 9, topic='Новый предмет')


def change_subgroup(root):
    school_class = find_resource(root, CLASS_5A)
    groups = {name: list(ids) for name, ids in school_class.subgroups['informatics'].items()}
    mine = next(name for name, ids in groups.items() if STUDENT in ids)
    other = next(name for name in groups if name != mine)
    groups[mine].remove(STUDENT)
    groups[other].append(STUDENT)
    split_subgroups(school_class, 'informatics', groups)


CHANGES = [set_mark, edit_topic, topics_from_the_plan, attach_homework_file, add_lesson,
           remove_lesson, remark, absence, rename_student, rename_subject_title,
           rename_mark_kind, change_a_weight, new_journal, change_subgroup]


def set_period_mark(root, value='4'):
    journal = math(root)
    journal.set_period_mark(STUDENT, journal.periods[0].id, value, check_closed=False)


def change_period_mark(root):
    set_period_mark(root, '3')


# what must be there before the change
BEFORE = {remove_lesson: add_lesson, change_period_mark: set_period_mark,
          topics_from_the_plan: plan_for_the_week}


@pytest.mark.parametrize('change', CHANGES, ids=[c.__name__ for c in CHANGES])
def test_every_change_a_week_shows_moves_its_tag(as_user, root, change):
    if change in BEFORE:
        BEFORE[change](root)
        transaction.commit()
    app = as_user('parent')
    urls = [('/@diary?student=%s&week=%s' % (STUDENT, MONDAY), JSON),
            ('/journal/students/%s/diary?week=%s' % (STUDENT, MONDAY), {})]
    before = {}
    for url, headers in urls:
        first = app.get(url, headers=headers)
        again = app.get(url, headers=headers)     # from the cache, checked against a render
        assert again.headers['ETag'] == first.headers['ETag'] and again.body == first.body
        before[url] = first
    change(root)
    transaction.commit()
    for url, headers in urls:
        old = before[url]
        new = app.get(url, headers=dict(headers, **{'If-None-Match': old.headers['ETag']}))
        assert new.status_int == 200, (change.__name__, url)
        assert new.headers['ETag'] != old.headers['ETag'] and new.body != old.body
        assert app.get(url, headers=headers).body == new.body


SUMMARY_CHANGES = [set_mark, absence, set_period_mark, change_period_mark]


@pytest.mark.parametrize('change', SUMMARY_CHANGES, ids=[c.__name__ for c in SUMMARY_CHANGES])
def test_every_change_a_summary_shows_moves_its_tag(as_user, root, change):
    year = find_resource(root, YEAR)
    url = '/@diary?student=%s&from=%s&to=%s' % (STUDENT, year.start, year.end)
    if change in BEFORE:
        BEFORE[change](root)
        transaction.commit()
    app = as_user('parent')
    first = app.get(url, headers=JSON)
    assert app.get(url, headers=JSON).body == first.body
    change(root)
    transaction.commit()
    new = app.get(url, headers=dict(JSON, **{'If-None-Match': first.headers['ETag']}))
    assert new.status_int == 200 and new.body != first.body
    assert new.headers['ETag'] != first.headers['ETag']


def test_navigation_follows_the_users_roles(as_user, root):
    """The page's tag names the navigation by the user's record and the local roles on
    its targets, without checking permissions: a role given shows in the next page."""
    app = as_user('parent')
    url = '/journal/students/%s/diary' % STUDENT
    page = app.get(url)
    assert not page.html.select('nav a[href$="/people/users/"]')
    transaction.abort()      # the login wrote the user after this connection read it
    user = root['people']['users']['parent']
    user.roles = tuple(user.roles) + ('admin',)
    transaction.commit()
    changed = app.get(url, headers={'If-None-Match': page.headers['ETag']})
    assert changed.status_int == 200
    assert changed.html.select('nav a[href$="/people/users/"]')
    # a local role on a section the navigation leads to moves the tag as well
    from ejportal.security import set_local_roles
    set_local_roles(root['people']['groups'], 'user:parent', ('reader',))
    transaction.commit()
    assert app.get(url, headers={'If-None-Match': changed.headers['ETag']}).status_int == 200


def test_a_cached_week_is_one_users_page(as_user, root):
    """Two users of one family get their own pages (their name and session in the
    layout), the same JSON week in their own languages."""
    parent = as_user('parent')
    url = '/journal/students/%s/diary' % STUDENT
    first = parent.get(url)
    parent.reset()
    student_app = as_user('student')
    page = student_app.get(url)
    assert page.headers['ETag'] != first.headers['ETag']
    assert page.html.find('meta', attrs={'name': 'csrf-token'})['content'] != \
        first.html.find('meta', attrs={'name': 'csrf-token'})['content']


def test_the_family_shares_one_json_week_and_each_child_has_its_own(as_user):
    from test_diary import STUDENT2
    url = '/@diary?student=%s&week=%s' % (STUDENT, MONDAY)
    parent = as_user('parent')
    first = parent.get(url, headers=JSON)
    other_child = parent.get('/@diary?student=%s&week=%s' % (STUDENT2, MONDAY), headers=JSON)
    assert other_child.headers['ETag'] != first.headers['ETag']
    parent.reset()
    student_app = as_user('student')
    own = student_app.get(url, headers=JSON)
    assert own.headers['ETag'] == first.headers['ETag'] and own.body == first.body


def test_readers_of_one_week_share_its_days(app, as_user):
    """The days of a week are rendered once for every reader; each page around them is
    their own (the suite's verify mode renders every shared piece again and compares)."""
    cache = app.registry.response_cache

    def fragments():
        return {key for key in cache._items if key[0] == 'fragment'}
    url = '/journal/students/%s/diary?week=%s' % (STUDENT, MONDAY)
    parent = as_user('parent')
    parent_page = parent.get(url)
    shared = fragments()
    assert len(shared) == 1
    parent.reset()
    student_page = as_user('student').get(url)
    assert fragments() == shared
    days = [str(s) for s in parent_page.html.select('section.diary-day')]
    assert days and days == [str(s) for s in student_page.html.select('section.diary-day')]
    assert student_page.headers['ETag'] != parent_page.headers['ETag']
