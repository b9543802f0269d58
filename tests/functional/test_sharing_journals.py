"""Sharing a class for reading opens its journals (issue 11, item 5): «Может просматривать»
on a class lets the psychologist read the class, its journals and the class overview."""
import datetime

from conftest import csrf_token
from ejportal.journal.resources import school_year_start

START = school_year_start(datetime.date.today())
CLASS = '/journal/%d-%d/classes/5a' % (START, START + 1)


def test_can_view_on_a_class_opens_its_journals_and_overview(testapp, as_user):
    places = (CLASS, CLASS + '/journals/math', CLASS + '/overview')
    as_user('psychologist')
    for place in places:
        testapp.get(place, status=(403, 404))
    as_user('admin')
    testapp.post(CLASS + '/@@sharing', [
        ('csrf_token', csrf_token(testapp)), ('principal', 'user:psychologist'),
        ('__start__', 'roles:sequence'), ('checkbox', 'reader'), ('__end__', 'roles:sequence'),
        ('grant', 'grant')], status=303)
    as_user('psychologist')
    for place in places:
        testapp.get(place, status=200)
    testapp.get('/journal/%d-%d/classes/7b/journals/math' % (START, START + 1),
                status=(403, 404))
