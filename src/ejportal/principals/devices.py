"""A browser's user agent as people name their device: "Chrome on Windows", "Safari on
iPhone" (for the new-device notice and the sessions on *My account*)."""
import re

from ejportal.i18n import _

# the first match wins: the engines' brand names hide inside each other's agents
BROWSERS = (('YaBrowser/', 'Yandex Browser'), ('Edg', 'Edge'), ('OPR/', 'Opera'),
            ('Opera', 'Opera'), ('Firefox/', 'Firefox'), ('Chromium/', 'Chromium'),
            ('Chrome/', 'Chrome'), ('CriOS/', 'Chrome'), ('Safari/', 'Safari'))
SYSTEMS = (('iPhone', 'iPhone'), ('iPad', 'iPad'), ('Android', 'Android'),
           ('CrOS', 'ChromeOS'), ('Windows', 'Windows'), ('Mac OS X', 'macOS'),
           ('Macintosh', 'macOS'), ('Linux', 'Linux'))


def _first(table, agent):
    for mark, name in table:
        if mark in agent:
            return name
    return None


def device_title(user_agent):
    """The browser and system of ``user_agent``, as a translation string."""
    agent = user_agent or ''
    browser, system = _first(BROWSERS, agent), _first(SYSTEMS, agent)
    if browser is None and re.match(r'^[\w.-]+/[\d.]+', agent):
        browser = agent.split('/', 1)[0]     # a program: curl/8.0, python-requests/2.31
    if browser and system:
        return _('device-browser-on-system', default='${browser} on ${system}',
                 mapping={'browser': browser, 'system': system})
    if browser or system:
        return browser or system
    # nothing known in an agent: shown as sent, short
    if agent:
        return agent[:60]
    return _('device-unknown', default='an unknown device')
