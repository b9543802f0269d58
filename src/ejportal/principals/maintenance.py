"""Housekeeping of the login records: the scheduled job ``maintenance`` (daily) and
``ejportal-admin maintain`` run it."""
from ejportal.core.audit import get_audit_log
from ejportal.core.registry import portal_registry
from ejportal.principals import throttle
from ejportal.principals.sessions import prune_sessions


def maintain(portal, log=None, settings=None):
    """Forget stale login-failure records (each leaves its last word in the audit log) and
    sessions that ended long ago; then each area's housekeeping (``add_housekeeping``: the
    read-log's retention, ...). Returns the one-line outcome."""
    people = portal['people']
    audit = get_audit_log(portal)

    def untold(key, further, last):
        # the refused logins of a quiet key that no entry told yet: its last word
        audit.append('login-failures', path='/@@login', type_name='User', details={
            'key': key, 'further': further, 'last': last.isoformat(timespec='seconds')})
    failures = throttle.forget_stale(people.login_failures, untold=untold)
    before = len(people.login_sessions)
    for userid in list(people.user_sessions or ()):
        prune_sessions(people, userid)
    outcome = ['login failure records forgotten: %d; sessions forgotten: %d' % (
        failures, before - len(people.login_sessions))]
    for task in portal_registry().values(portal_registry().housekeeping):
        told = task(portal, log, settings)
        if told:
            outcome.append(told)
    return '; '.join(outcome)
