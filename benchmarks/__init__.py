"""Benchmarks run by `andon bench NAME`; each module here is one benchmark.

A benchmark module defines `HELP`, `add_arguments(parser)` and `run(options, progress)`, which
yields one dict of figures per measured case. Keys carry their unit (`seconds`,
`events_per_second`, `peak_memory_mb`) so the JSON lines can be tracked over time.
"""
