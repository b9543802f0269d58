"""``/settings``: the school's parameters and, as children, the reference books."""
import colander
import deform
from pyramid.authorization import Allow, Deny, Everyone

from ejportal.core.content import content_type
from ejportal.core.folder import Folder
from ejportal.i18n import _
from ejportal.security import ADD, DELETE, EDIT, MANAGE_SETTINGS, MANAGE_SHARING, VIEW

# What no role but the administrator's holds here, whatever it grants elsewhere (the
# director edits everywhere else) and whatever local role is granted on it.
ADMIN_ONLY = (VIEW, EDIT, ADD, DELETE, MANAGE_SETTINGS, MANAGE_SHARING)


class SettingsSchema(colander.MappingSchema):
    school_name = colander.SchemaNode(
        colander.String(), title=_('School short name'),
        validator=colander.Length(min=1, max=200))
    school_full_name = colander.SchemaNode(
        colander.String(), title=_('School full name'), missing='',
        description=_('As printed at the top of orders'))
    school_address = colander.SchemaNode(colander.String(), title=_('Address'), missing='')
    director_name = colander.SchemaNode(
        colander.String(), title=_('Director (for signature lines)'), missing='')
    require_totp_for_staff = colander.SchemaNode(
        colander.Boolean(), title=_('Require a second factor (TOTP) for staff'), missing=False)
    upload_max_mb = colander.SchemaNode(
        colander.Integer(), title=_('Largest upload, MB'), missing=20,
        validator=colander.Range(1, 500))
    portal_url = colander.SchemaNode(
        colander.String(), title=_('Portal address for credential slips and e-mails'),
        missing='')
    backup_destinations = colander.SchemaNode(
        colander.String(), title=_('Backup destinations'), missing='',
        description=_('One directory a line: other disks or mounted media. Each backup is '
                      'written to every one.'),
        widget=deform.widget.TextAreaWidget(rows=3))
    backup_full_every_days = colander.SchemaNode(
        colander.Integer(), title=_('A full backup every … days (incremental between)'),
        missing=7, validator=colander.Range(1, 365))
    backup_keep_daily = colander.SchemaNode(
        colander.Integer(), title=_('Keep daily backups'), missing=7,
        validator=colander.Range(0, 365))
    backup_keep_weekly = colander.SchemaNode(
        colander.Integer(), title=_('Keep weekly backups'), missing=4,
        validator=colander.Range(0, 520))
    backup_keep_monthly = colander.SchemaNode(
        colander.Integer(), title=_('Keep monthly backups'), missing=12,
        validator=colander.Range(0, 1200))
    rid_destination = colander.SchemaNode(
        colander.String(), title=_('Regional export: destination'), missing='',
        description=_('A directory, or the https:// address that receives the packages'))
    rid_key = colander.SchemaNode(
        colander.String(), title=_('Regional export: shared key (signs each package)'),
        missing='', widget=deform.widget.PasswordWidget(redisplay=True))
    journal_retention_years = colander.SchemaNode(
        colander.Integer(), title=_('Keep frozen class journals, years'), missing=5,
        validator=colander.Range(1, 100))
    summary_retention_years = colander.SchemaNode(
        colander.Integer(), title=_('Keep frozen summary pages of marks, years'), missing=25,
        validator=colander.Range(1, 100))
    journal_entry_days = colander.SchemaNode(
        colander.Integer(), title=_('Journal entries are late after, days'), missing=3,
        description=_('The control of the journal counts topics and marks entered later '
                      'than this many days after their lesson'),
        validator=colander.Range(0, 60))
    read_log_retention_years = colander.SchemaNode(
        colander.Integer(), title=_("Keep the log of reads of students' personal data, years"),
        missing=3, description=_('The daily housekeeping job forgets older reads'),
        validator=colander.Range(1, 75))


@content_type('Settings', _('type-Settings', default='Settings'), schema=SettingsSchema)
class Settings(Folder):
    """The school's parameters are the administrator's alone (the portal's address is
    printed on families' credential slips). Pages that print a parameter read it in code,
    which asks no permission; the audit log kept here answers to its own (VIEW_AUDIT)."""

    title = _('section-settings', default='Settings')
    structural = True
    __acl__ = [(Allow, 'role:admin', ADMIN_ONLY), (Deny, Everyone, ADMIN_ONLY)]
    school_name = 'МБОУ СОШ № 4'
    school_full_name = ''
    school_address = ''
    director_name = ''
    require_totp_for_staff = False
    upload_max_mb = 20
    portal_url = ''
    backup_destinations = ''
    backup_full_every_days = 7
    backup_keep_daily = 7
    backup_keep_weekly = 4
    backup_keep_monthly = 12
    rid_destination = ''
    rid_key = ''
    journal_retention_years = 5
    summary_retention_years = 25
    journal_entry_days = 3
    read_log_retention_years = 3
