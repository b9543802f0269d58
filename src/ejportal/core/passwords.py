"""Password hashing with argon2id, and one-time passwords for new accounts.

Parameters are OWASP's minimum for argon2id (m=19 MiB, t=2, p=1): about 20 ms a verify on
this kind of machine, so a two-core server still accepts dozens of logins a second at the
start of a lesson, while an offline guess stays expensive. See bench/ for the login rate.
"""
import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ejportal.i18n import _

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# No look-alike characters: slips are typed by children and grandparents.
_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

# Every account of the demo school (built only where ``ejportal.demo = true``).
DEMO_PASSWORD = 'demo'


def hash_password(password):
    return HASHER.hash(password)


@functools.lru_cache(maxsize=1)
def _nobodys_hash():
    return HASHER.hash(secrets.token_urlsafe(32))


def verify_password(hashed, password):
    """True if ``password`` is the one ``hashed`` was made from. Without a hash (an unknown
    login, an account with no password yet) the password is checked against a hash of a
    random secret made with the same parameters, and refused: the answer then costs what a
    known login's does, so its time does not tell which logins exist."""
    try:
        return HASHER.verify(hashed or _nobodys_hash(), password) and bool(hashed)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(hashed):
    return HASHER.check_needs_rehash(hashed)


def generate_password(length=10):
    return ''.join(secrets.choice(_ALPHABET) for _ in range(length))


MIN_LENGTH = 8


def password_problem(password, login=''):
    """A reason the password is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return _('password-too-short', default='At least ${n} characters, please.',
                 mapping={'n': MIN_LENGTH})
    if login and login.lower() in password.lower():
        return _('password-has-login', default='The password must not contain the login.')
    if password.isdigit():
        return _('password-only-digits', default='Not only digits, please.')
    return None
