import datetime

import pytest
import transaction
import ZODB
from ZODB.POSException import ConflictError

from conftest import subscribed
from ejportal.core.actor import Actor, acting_as
from ejportal.core.content import create
from ejportal.core.richtext import clean_html
from ejportal.core.versioning import VersionError
from ejportal.core.workflow import do_transition
from ejportal.documents.resources import Documents, deadline_end


pytestmark = pytest.mark.usefixtures('portal_registry')


def make_order(documents, name, **fields):
    fields.setdefault('title', 'О тестовом приказе')
    fields.setdefault('clauses', [{'text': 'сделать', 'responsible': '', 'deadline': None}])
    return documents.add(name, create('Order', **fields), send_events=False)


def sign(order):
    with acting_as(Actor('director')):
        do_transition(order, 'submit')
        do_transition(order, 'sign')


def test_sign_numbers_freezes_and_hashes():
    documents = Documents()
    order = make_order(documents, 'a', date=datetime.date(2024, 3, 1))
    assert order.review_state == 'draft' and order.current_version.number == 1
    sign(order)
    assert order.number == 1 and order.date == datetime.date(2024, 3, 1)
    version = order.current_version
    assert version.frozen and version.content['number'] == 1
    assert order.integrity_ok() is True
    second = make_order(documents, 'b', date=datetime.date(2024, 3, 2))
    sign(second)
    assert second.number == 2
    other_year = make_order(documents, 'c', date=datetime.date(2025, 1, 9))
    sign(other_year)
    assert other_year.number == 1
    with pytest.raises(VersionError):
        order.update({'title': 'changed'})


def test_sanitiser_removes_script():
    dirty = '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:x">l</a></p>'
    clean = clean_html(dirty)
    assert 'script' not in clean and 'onclick' not in clean and 'javascript' not in clean
    assert '<p>Hi' in clean


def test_deadline_end():
    assert deadline_end('2012-02') == datetime.date(2012, 2, 29)
    assert deadline_end('2012-12') == datetime.date(2012, 12, 31)
    assert deadline_end('2012-08-15') == datetime.date(2012, 8, 15)
    assert deadline_end('') is None


def test_concurrent_signing_conflicts_instead_of_duplicating(tmp_path):
    db = ZODB.DB(str(tmp_path / 'Data.fs'))
    try:
        tm1, tm2 = transaction.TransactionManager(), transaction.TransactionManager()
        c1 = db.open(tm1)
        root = c1.root()
        root['documents'] = documents = Documents()
        make_order(documents, 'a', date=datetime.date(2024, 5, 1))
        make_order(documents, 'b', date=datetime.date(2024, 5, 1))
        documents.next_number('od', 2024)  # the counter exists: No. 1 taken
        tm1.commit()
        c2 = db.open(tm2)
        sign(c1.root()['documents']['a'])
        sign(c2.root()['documents']['b'])
        tm1.commit()
        with pytest.raises(ConflictError):
            tm2.commit()
        tm2.abort()
        # the retry sees the committed counter and takes the next number
        c2.sync() if hasattr(c2, 'sync') else None
        order_b = c2.root()['documents']['b']
        sign(order_b)
        tm2.commit()
        assert c1.root()['documents']['a'].number == 2
        assert order_b.number == 3
    finally:
        db.close()


def test_searchable_text_is_plain_text_of_every_field():
    documents = Documents()
    order = make_order(documents, 'a', preamble='На основании устава',
                       clauses=[{'text': 'назначить ответственным', 'responsible': 'Иванов И.И.',
                                 'deadline': None}])
    text = order.searchable_text()
    assert 'О тестовом приказе' in text and 'устава' in text and 'Иванов' in text
    regulation = documents.add('r', create('Regulation', title='Положение',
                                           body='<p>Текст <b>жирный</b><script>x()</script></p>'),
                               send_events=False)
    text = regulation.searchable_text()
    assert 'Текст жирный' in text and '<' not in text and 'x()' not in text


def test_every_save_after_the_first_sends_object_modified(portal_registry):
    from ejportal.core import events
    from ejportal.core.versioning import checkin, checkout
    seen = []
    with subscribed(portal_registry, seen.append, events.ObjectModified):
        documents = Documents()
        regulation = documents.add('r', create('Regulation', title='Первое'),
                                   send_events=False)
        assert seen == []  # the first version belongs to creating it
        regulation.edit({'title': 'Второе'}, comment='c')
        assert seen[-1].info['changes']['title'] == ('Первое', 'Второе')
        assert seen[-1].info['changes']['version'] == (1, 2) and not seen[-1].info['audited']
        regulation.revert_to(1)
        assert seen[-1].info['changes']['title'] == ('Второе', 'Первое')
        checkout(regulation)
        regulation.edit({'title': 'Третье'})
        assert seen[-1].info['changes'] == {'working_copy.title': ('Первое', 'Третье')}
        checkin(regulation)
        assert seen[-1].info['changes']['version'] == (3, 4)
        assert len(seen) == 4
