"""The job-shop benchmark's parsing and its docs writer (the suite itself runs in `andon bench`)."""

import pytest

from benchmarks import jobshop
from benchmarks.jobshop_instances import parse_orlib, to_problem

FT3 = "3 3\n0 3 1 2 2 2\n0 2 2 1 1 4\n1 4 2 3 0 1\n"


def test_orlib_file_is_scheduled_and_checked(tmp_path):
    path = tmp_path / "ft3.txt"
    path.write_text(FT3)
    options = {"paths": [str(path)], "suite": None, "time_limit": 1.0, "workers": 2}
    (row,) = jobshop.run(options, progress=False)
    assert row["instance"] == "ft3"
    assert row["makespan"] == row["lower_bound"] == 11
    assert row["status"] == "optimal"


def test_orlib_rejects_a_machine_out_of_range():
    with pytest.raises(ValueError, match="machine out of range"):
        parse_orlib("bad", "1 2\n0 3 2 4\n")


def test_orlib_problem_has_the_routing_order():
    problem = to_problem(parse_orlib("ft3", FT3))
    assert problem.operation_by_name["1.2"].predecessors == ("1.1",)
    assert problem.operation_by_name["1.2"].modes[0].resource == "m1"


def test_write_docs_replaces_only_its_own_table(tmp_path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\n## MRP\n\nkeep me\n")
    row = {
        "instance": "ta01",
        "size": "15x15",
        "best_known": 1231,
        "makespan": 1250,
        "gap_percent": 1.54,
        "plain_makespan": 1260,
        "plain_gap_percent": 2.36,
    }
    options = {"instances": "ta01", "time_limit": 10.0, "workers": 2, "seeds": 1}
    jobshop.write_docs([row], options, docs)
    jobshop.write_docs([{**row, "makespan": 1240, "gap_percent": 0.73}], options, docs)
    text = docs.read_text()
    assert "keep me" in text
    assert text.count("| ta01 |") == 1
    assert "| ta01 | 15x15 | 1231 | 1240 | 0.73 |" in text
