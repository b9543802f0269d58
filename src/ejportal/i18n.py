"""Translation strings, the locale negotiator, the Russian date form and decimals."""
import decimal
import re

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


DECIMAL_POINT = re.compile(r'(?<=\d)\.(?=\d)')


def format_decimal(value, locale_name, places=2):
    """An average as the reader writes it: «4,00» in Russian, "4.00" in English; None as
    «—», and text that is no number ("—") as it is."""
    if value is None:
        return '—'
    if isinstance(value, str):
        try:
            value = decimal.Decimal(value)
        except decimal.InvalidOperation:
            return value
    text = '%.*f' % (places, value)
    return text.replace('.', ',') if locale_name == 'ru' else text


def decimal_text(text, locale_name):
    """The numbers in a formula ("(5×2 + 4) / 3 = 4.67") with the reader's decimal sign.
    Only for text made of numbers: a date's dots would change too."""
    return DECIMAL_POINT.sub(',', text) if text and locale_name == 'ru' else text
