"""The layers of the portal hold: every import of ``src/ejportal`` (at the top of a module or
inside a function) is read with ``ast`` and checked against the table below (the parts and
arrows of the design's layer drawing).

core (``core/``, ``i18n``, ``paths``) knows nothing above it; ``security`` knows only core;
``site`` (the root and the layout the areas register into) knows no area; the areas stand
side by side on core, security and site, except the diary, which reads the journal; the
console and the app's table of contents may import anything. An import inside a function is
only there to break an import cycle, and a comment on its line or the line above names it.
"""
import ast
import pathlib

SRC = pathlib.Path(__file__).resolve().parents[2] / 'src'
PACKAGE = SRC / 'ejportal'

# module prefix -> part (the longest prefix wins)
PARTS = {
    'ejportal': 'app',
    'ejportal.core': 'core',
    'ejportal.i18n': 'core',
    'ejportal.paths': 'core',
    'ejportal.security': 'security',
    'ejportal.site': 'site',
    'ejportal.principals': 'principals',
    'ejportal.documents': 'documents',
    'ejportal.journal': 'journal',
    'ejportal.diary': 'diary',
    'ejportal.news': 'news',
    'ejportal.rid': 'rid',
    'ejportal.surveys': 'surveys',
    'ejportal.help': 'help',
    'ejportal.api': 'api',
    'ejportal.admin': 'admin',
    'ejportal.scripts': 'scripts',
    'ejportal.questions': 'questions',
}
BELOW_AREAS = {'core', 'security', 'site'}
ANYTHING = set(PARTS.values())

# part -> the parts it may import (its own included)
MAY_IMPORT = {
    'core': {'core'},
    'security': {'core', 'security'},
    'site': {'core', 'security', 'site'},
    'principals': BELOW_AREAS | {'principals'},
    'documents': BELOW_AREAS | {'documents'},
    'journal': BELOW_AREAS | {'journal'},
    'diary': BELOW_AREAS | {'diary', 'journal'},  # the families' read model of the journal
    'news': BELOW_AREAS | {'news'},
    'rid': BELOW_AREAS | {'rid'},
    # reads people and classes through the portal tree, importing neither area
    'surveys': BELOW_AREAS | {'surveys'},
    # reads the people through the portal tree for a course's progress, importing no area
    'help': BELOW_AREAS | {'help'},
    'api': BELOW_AREAS | {'api'},
    'admin': BELOW_AREAS | {'admin'},
    # finds a child's teachers through the portal tree, importing no journal
    'questions': BELOW_AREAS | {'questions'},
    'scripts': ANYTHING,
    'app': ANYTHING,
}

# Why a pair is refused, for the message (the rest: "areas stand side by side").
WHY = {
    ('core', 'security'): 'core knows no grants',
    ('core', 'site'): 'core knows no screen',
    ('core', 'api'): 'core knows no door',
    ('security', 'site'): 'grants know no screen',
    ('journal', 'diary'): 'the diary reads the journal, not the other way',
}

# Imports across the layers that wait for files being rewritten elsewhere; each names its
# way out. An entry that no longer matches an import fails the test too, so the list only
# shrinks.
PENDING = {}


def module_name(path, src=SRC):
    parts = list(path.relative_to(src).with_suffix('').parts)
    if parts[-1] == '__init__':
        parts.pop()
    return '.'.join(parts)


def part_of(module):
    while module not in PARTS:
        module = module.rpartition('.')[0]
    return PARTS[module]


class Import:
    def __init__(self, where, line, target, in_function):
        self.where = where  # the file, from the repository's root
        self.line = line
        self.target = target
        self.in_function = in_function

    def __str__(self):
        return '%s:%d -> %s' % (self.where, self.line, self.target)

    __repr__ = __str__


def is_module(src, dotted):
    path = src.joinpath(*dotted.split('.'))
    return path.with_suffix('.py').is_file() or (path / '__init__.py').is_file()


def imports_of(path, src=SRC):
    """Every import of the portal's own modules in ``path``, as ``Import`` objects."""
    tree = ast.parse(path.read_text(encoding='utf-8'), str(path))
    me = module_name(path, src)
    package = me if path.name == '__init__.py' else me.rpartition('.')[0]
    in_functions = {id(sub) for node in ast.walk(tree)
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                    for sub in ast.walk(node)}
    where = path.relative_to(src.parent).as_posix()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module
            if node.level:  # relative: from the package, up level - 1
                base = package.split('.')[:len(package.split('.')) - node.level + 1]
                module = '.'.join(base + ([module] if module else []))
            # ``from ejportal.journal import grading`` imports the module journal.grading
            targets = [module + '.' + alias.name if is_module(src, module + '.' + alias.name)
                       else module for alias in node.names]
        else:
            continue
        for target in dict.fromkeys(targets):  # once per module an import names
            if target == 'ejportal' or target.startswith('ejportal.'):
                found.append(Import(where, node.lineno, target, id(node) in in_functions))
    return found


def all_imports():
    modules = sorted(PACKAGE.rglob('*.py'))
    assert len(modules) > 50, 'the package was not found at %s' % PACKAGE
    return [(module_name(path), found) for path in modules for found in imports_of(path)]


def refused(importer, found):
    """Why the import ``found`` in module ``importer`` crosses the layers, or None."""
    mine, theirs = part_of(importer), part_of(found.target)
    if theirs in MAY_IMPORT[mine]:
        return None
    return '%s -> %s: %s' % (mine, theirs, WHY.get((mine, theirs), 'core knows no area'
                                                   if mine == 'core' else
                                                   'areas stand side by side'))


def crossings(imports):
    return [(found, why) for importer, found in imports
            for why in [refused(importer, found)] if why]


def test_no_import_crosses_the_layers():
    bad = [(found, why) for found, why in crossings(all_imports())
           if (found.where, found.target) not in PENDING]
    assert not bad, 'imports across the layers (see the table in this test):\n' + '\n'.join(
        '  %s  (%s)' % (found, why) for found, why in bad)


def test_every_pending_crossing_still_exists():
    left = {(found.where, found.target) for found, why in crossings(all_imports())}
    done = sorted(set(PENDING) - left)
    assert not done, 'done, remove from PENDING:\n' + '\n'.join(
        '  %s -> %s' % pair for pair in done)


def test_every_import_inside_a_function_names_the_cycle_it_breaks():
    bare = []
    for _importer, found in all_imports():
        if not found.in_function:
            continue
        lines = (SRC.parent / found.where).read_text(encoding='utf-8').splitlines()
        here, above = lines[found.line - 1], lines[found.line - 2].strip()
        if '#' not in here and not above.startswith('#'):
            bare.append(found)
    assert not bare, ('imports inside functions without a comment naming the cycle they '
                      'break (move them to the top otherwise):\n' +
                      '\n'.join('  %s' % found for found in bare))


# -- the checker itself ----------------------------------------------------------------
def check_source(tmp_path, module, source):
    """The crossings the checker finds in ``source``, were it the module ``module``."""
    src = tmp_path / 'src'
    path = src / pathlib.Path(*module.split('.')).with_suffix('.py')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding='utf-8')
    return [(str(found), why) for found, why in crossings(
        [(module, found) for found in imports_of(path, src)])]


def test_the_checker_finds_crossings_at_the_top_and_in_functions(tmp_path):
    source = ('from ejportal.core.content import create\n'
              'from ejportal.journal import grading\n'
              'def f():\n'
              '    from ejportal.documents.resources import Order  # a cycle\n'
              '    from . import views\n')
    assert check_source(tmp_path, 'ejportal.diary.model', source) == [
        ('src/ejportal/diary/model.py:4 -> ejportal.documents.resources',
         'diary -> documents: areas stand side by side')]
    assert check_source(tmp_path, 'ejportal.core.thing', source) == [
        ('src/ejportal/core/thing.py:2 -> ejportal.journal', 'core -> journal: core knows no area'),
        ('src/ejportal/core/thing.py:4 -> ejportal.documents.resources',
         'core -> documents: core knows no area')]
    assert check_source(tmp_path, 'ejportal.journal.views', 'import ejportal.diary.model\n') == [
        ('src/ejportal/journal/views.py:1 -> ejportal.diary.model',
         'journal -> diary: the diary reads the journal, not the other way')]
    assert check_source(tmp_path, 'ejportal.scripts.admin', source) == []
