"""Pure computation: plain validated dataclasses in, results with a status out.

Nothing in this package imports Django or touches a database, a file or the clock, so every engine
is deterministic for its inputs and can be tested and benchmarked on its own.
"""
