"""Translation strings, the locale negotiator and the Russian date form."""
from pyramid.i18n import TranslationString, TranslationStringFactory

_ = TranslationStringFactory('ejportal')

LANGUAGES = ('ru', 'en')
DEFAULT_LANGUAGE = 'ru'


def locale_negotiator(request):
    """``?lang=`` (remembered in a cookie by the language switch), the cookie, then Russian."""
    try:
        lang = request.GET.get('lang')
    except UnicodeDecodeError:  # a query that is not UTF-8: its 400 page needs a language too
        lang = None
    lang = lang or request.cookies.get('ejportal_lang')
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def translate(localizer, value):
    """``value`` in the user's language, with the translation strings in its mapping
    translated first ("Done: ${state}." with the state's title, not its id)."""
    if not isinstance(value, TranslationString):
        return value
    if value.mapping:
        value = TranslationString(value, domain=value.domain, default=value.default,
                                  mapping={k: translate(localizer, v)
                                           for k, v in value.mapping.items()})
    return localizer.translate(value)


def format_date(value):
    """15.08.2012 — the form Russian documents use, in both languages."""
    return value.strftime('%d.%m.%Y') if value else ''


def format_datetime(value):
    if not value:
        return ''
    if getattr(value, 'tzinfo', None) is not None:
        value = value.astimezone()
    return value.strftime('%d.%m.%Y %H:%M')
