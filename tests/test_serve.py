"""`andon serve` settles the heap before serving: the long-lived objects of a loaded project are
frozen out of garbage collection, whose walks over them stalled requests."""

import gc

from andon.core.management.commands.serve import settle_heap


def test_the_loaded_project_is_frozen_out_of_collections():
    thresholds = gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 50_000  # views, schemas and modules are all loaded
        assert gc.get_threshold() == (50_000, 20, 50)  # collections far less often
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
