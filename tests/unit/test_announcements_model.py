"""An announcement: read once by a recipient only, its ACL naming its author and recipients
and nobody else, and two parents reading it at once both commit."""
import transaction
import ZODB
from pyramid.authorization import ACLHelper, Authenticated, Everyone
from ZODB.FileStorage import FileStorage

from ejportal.news.announcements import Announcement
from ejportal.security import (
    EDIT, READ_ANNOUNCEMENTS, SEE_ANNOUNCEMENT_READS, VIEW, root_acl)


def announcement():
    item = Announcement(title='Собрание', body='Первый абзац.\n\nВторой.', author='ct',
                        author_name='Соколова Е. Н.', audience='class-5a')
    item.set_recipients(['mother', 'father'])
    return item


def test_a_recipient_reads_it_once():
    item = announcement()
    assert item.mark_read('mother') is True
    first = item.reads['mother']
    assert item.mark_read('mother') is False and item.reads['mother'] == first
    assert item.mark_read('ct') is False and item.mark_read('stranger') is False
    assert item.read_count() == 1 and item.recipient_count() == 2
    names = {'mother': 'Иванова', 'father': 'Иванов'}.get
    read, unread = item.read_list(names)
    assert [(r[0], r[1]) for r in read] == [('mother', 'Иванова')]
    assert unread == [('father', 'Иванов')]
    assert item.paragraphs() == ['Первый абзац.', 'Второй.']


def permits(item, principals, permission):
    class Parent:
        __acl__ = root_acl()
    item.__parent__ = Parent()
    return bool(ACLHelper().permits(item, [Everyone, Authenticated] + principals, permission))


def test_the_acl_names_the_author_and_the_recipients_only():
    item = announcement()
    assert permits(item, ['user:mother', 'role:parent'], READ_ANNOUNCEMENTS)
    assert not permits(item, ['user:mother'], SEE_ANNOUNCEMENT_READS)
    assert permits(item, ['user:ct', 'role:class_teacher'], SEE_ANNOUNCEMENT_READS)
    for principals in (['user:director', 'role:director'], ['user:admin', 'role:admin']):
        for permission in (READ_ANNOUNCEMENTS, VIEW, EDIT):
            assert not permits(item, principals, permission)


def test_concurrent_reads_merge(tmp_path):
    db = ZODB.DB(FileStorage(str(tmp_path / 'Data.fs')))
    try:
        first_tm, second_tm = transaction.TransactionManager(), transaction.TransactionManager()
        first, second = db.open(first_tm), db.open(second_tm)
        item = announcement()
        item.set_recipients(['grandmother'])
        item.mark_read('grandmother')        # the reads' tree has its bucket
        first.root()['a'] = item
        first_tm.commit()
        second.sync()
        first.root()['a'].mark_read('mother')
        second.root()['a'].mark_read('father')
        first_tm.commit()
        second_tm.commit()           # no ConflictError: the reads merge
        first.sync()
        assert first.root()['a'].read_count() == 3
    finally:
        db.close()
