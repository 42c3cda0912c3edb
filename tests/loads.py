"""Shared pieces of the owners' loader tests: a batch as the import builds it, and the problems
a refused load names."""

import pytest

from andon.core.errors import ValidationFailed
from andon.core.loads import Batch


def batch(creates=(), updates=(), fields=(), first_row=2, rows=None):
    """Records as rows of a file: the first on `first_row` (row 1 holds the headers), unless
    `rows` says which row each record came from (an order and its lines share rows)."""
    records = [*creates, *updates]
    return Batch(
        creates=list(creates),
        updates=list(updates),
        fields=list(fields),
        rows=rows if rows is not None else {id(r): first_row + i for i, r in enumerate(records)},
    )


def refused(load):
    """Write `load`, expecting the refusal: its problems as (row, column, message)."""
    with pytest.raises(ValidationFailed) as caught:
        load.write()
    assert caught.value.code == "load_rejected"
    return [(p.row, p.column, p.message) for p in caught.value.problems]
