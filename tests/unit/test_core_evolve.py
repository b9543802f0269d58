"""A batched evolve step's parts (``core.evolve.Batches``)."""
from ejportal.core.evolve import Batches


class Manager:
    """A transaction manager that records what was committed when."""

    def __init__(self, handled):
        self.handled, self.commits, self.notes = handled, [], []

    def get(self):
        return self

    def note(self, text):
        self.notes.append(text)

    def commit(self):
        self.commits.append(list(self.handled))


def test_batches_commit_after_every_size_items_handled():
    handled = []
    tm = Manager(handled)
    batches = Batches(tm, 'evolve: a step', size=2)
    for item in batches(range(5)):
        handled.append(item)
    # each commit after its items were handled; the last part is committed with the step
    assert tm.commits == [[0, 1], [0, 1, 2, 3]]
    assert tm.notes == ['evolve: a step (batch 1)', 'evolve: a step (batch 2)']
    assert batches.committed == 2


def test_without_a_transaction_manager_nothing_is_committed():
    assert list(Batches(size=1)(range(3))) == [0, 1, 2]
