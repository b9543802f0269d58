"""A survey's answers: two respondents answering at once both commit (the answers, the
"has answered" tokens and the class counters merge), and a token never shows the login."""
import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from ejportal.surveys.resources import Survey, results

QUESTIONS = [{'title': 'Rate', 'kind': 'scale', 'required': True, 'options': ()}]


def test_concurrent_answers_merge(tmp_path):
    db = ZODB.DB(FileStorage(str(tmp_path / 'Data.fs')))
    try:
        first_tm, second_tm = transaction.TransactionManager(), transaction.TransactionManager()
        first, second = db.open(first_tm), db.open(second_tm)
        survey = Survey(title='S', audience=('parents',))
        survey.set_questions(QUESTIONS)
        survey.prepare_counters(['5a'])          # as opening the survey does
        survey.add_response('teacher', {'q1': 4})  # the first answer made the trees' buckets
        first.root()['s'] = survey
        first_tm.commit()
        second.sync()
        first.root()['s'].add_response('mother', {'q1': 5}, ('5a',))
        second.root()['s'].add_response('father', {'q1': 3}, ('5a',))
        first_tm.commit()
        second_tm.commit()           # no ConflictError: the changes merge
        first.sync()
        merged = first.root()['s']
        assert merged.response_count() == 3 and merged.answered_in('5a') == 2
        assert merged.has_answered('mother') and merged.has_answered('father')
        assert results(merged)[0]['average'] == 4.0
        assert not any('mother' in token or 'father' in token for token in merged.answered)
    finally:
        db.close()


def test_each_survey_has_its_own_secret():
    one, two = Survey(), Survey()
    assert one.token('parent') != two.token('parent')
    assert one.token('parent') == one.token('parent')
