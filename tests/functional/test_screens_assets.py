"""Assets every page loads (issue 11): one current jQuery on form pages, none elsewhere, and a
favicon that is found."""
import re


JQUERY = re.compile(r'/jquery(-[\d.]+)?(\.min)?\.js$')


def script_sources(page):
    return [s['src'] for s in page.html.find_all('script', src=True)]


def test_a_form_page_loads_one_current_jquery(testapp):
    page = testapp.get('/@@login')
    jquery = [s for s in script_sources(page) if JQUERY.search(s)]
    assert len(jquery) == 1, jquery
    assert '2.0.3' not in jquery[0]
    script = testapp.get(jquery[0].replace('http://localhost', ''))
    version = re.search(r'jQuery v(\d+)\.(\d+)\.(\d+)', script.text)
    assert version and int(version.group(1)) >= 3, script.text[:100]


def test_a_page_without_a_form_loads_no_jquery(testapp):
    page = testapp.get('/')
    assert not [s for s in script_sources(page) if 'jquery' in s.lower() or 'deform.js' in s]
