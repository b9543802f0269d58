"""Satisfaction surveys: the screens and endpoints with their access per role, one answer
per person (form and API), anonymity over the stored objects and the audit log, the result
figures against hand-computed ones, the SVG charts and the XLSX export, copying a run and
comparing two runs, and the evolve step that adds the section."""
import io

import openpyxl
import pytest
import transaction
from lxml import etree

from conftest import api_token, csrf_token

DEMO = '/surveys/satisfaction-q1'
MANAGERS = ('psychologist', 'director', 'deputy')
READERS = MANAGERS + ('admin',)


def bearer(testapp, login_name):
    return {'Authorization': 'Bearer ' + api_token(testapp, login_name),
            'Accept': 'application/json'}


def new_survey(testapp, login_name='psychologist', **fields):
    body = {'title': 'Staff survey', 'audience': ['staff'], 'anonymous': True,
            'questions': [
                {'title': 'Pick one', 'kind': 'single', 'required': True,
                 'options': ['Red', 'Green', 'Blue']},
                {'title': 'Pick many', 'kind': 'multiple', 'required': False,
                 'options': ['A', 'B', 'C']},
                {'title': 'Rate it', 'kind': 'scale', 'required': True},
                {'title': 'Say it', 'kind': 'text', 'required': False}]}
    body.update(fields)
    response = testapp.post_json('/surveys', body, headers=bearer(testapp, login_name),
                                 status=201)
    return response.json


def open_survey(testapp, path, login_name='psychologist'):
    testapp.post_json(path + '/@workflow/open', {}, headers=bearer(testapp, login_name))


def answer(testapp, login_name, path, answers, status=201):
    return testapp.post_json(path + '/@answer', {'answers': answers},
                             headers=bearer(testapp, login_name), status=status)


def test_the_demo_survey_is_open_for_the_parent_of_5a(testapp):
    listing = testapp.get('/surveys', headers=bearer(testapp, 'parent')).json
    assert [item['id'] for item in listing['items']] == ['satisfaction-q1']
    survey = testapp.get(DEMO, headers=bearer(testapp, 'parent')).json
    assert [q['kind'] for q in survey['questions']] == ['single', 'multiple', 'scale', 'text']
    assert survey['questions'][0]['options'][0] == {'id': 'o1', 'title': 'Положительно'}
    assert survey['questions'][0]['required'] is True
    assert survey['anonymous'] is True and survey['answered'] is False
    # not meant for the student nor the teacher
    assert testapp.get('/surveys', headers=bearer(testapp, 'student')).json['items'] == []
    testapp.get(DEMO, headers=bearer(testapp, 'teacher'), status=403)
