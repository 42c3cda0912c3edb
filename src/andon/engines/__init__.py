"""Pure computation: plain validated dataclasses in, results with a status out.

Nothing in this package imports Django or touches a database, a file or the clock, so every engine
is deterministic for its inputs and can be tested and benchmarked on its own.

Every engine reports bad input one way: a subclass of `andon.engines.errors.ProblemError` whose
`problems` name what is at fault (docs/adr/0010-engine-errors-and-strategy-table.md).
"""
