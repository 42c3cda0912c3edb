"""Configuration fails loudly, naming the variable, instead of guessing."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from andon import config


def test_boolean_variables_accept_clear_values(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("False", False), ("off", False)]:
        monkeypatch.setenv("ANDON_DEBUG", raw)
        assert config.env_bool("ANDON_DEBUG", False) is expected


def test_ambiguous_boolean_is_an_error(monkeypatch):
    monkeypatch.setenv("ANDON_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="ANDON_DEBUG"):
        config.env_bool("ANDON_DEBUG", False)


def test_unknown_time_zone_is_an_error(monkeypatch):
    monkeypatch.setenv("ANDON_TIME_ZONE", "Mars/Olympus")
    with pytest.raises(ImproperlyConfigured, match="ANDON_TIME_ZONE"):
        config.time_zone()


def test_unsupported_database_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("ANDON_DATABASE_URL", "oracle://scott:tiger@db/orcl")
    with pytest.raises(ImproperlyConfigured, match="ANDON_DATABASE_URL"):
        config.database(tmp_path)


def test_sqlite_default_runs_in_wal_mode(monkeypatch, tmp_path):
    monkeypatch.delenv("ANDON_DATABASE_URL", raising=False)
    db = config.database(tmp_path)
    assert db["NAME"] == str(tmp_path / "andon.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_short_secret_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("ANDON_SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="ANDON_SECRET_KEY"):
        config.secret_key(tmp_path)


def test_generated_secret_key_is_kept_private_and_stable(monkeypatch, tmp_path):
    monkeypatch.delenv("ANDON_SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path)
    assert config.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_cli_prints_one_line_and_exits_non_zero_on_bad_config(tmp_path):
    env = {**os.environ, "ANDON_HOME": str(tmp_path), "ANDON_DEBUG": "perhaps"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "andon.cli", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "ANDON_DEBUG" in result.stderr
    assert result.stderr.count("\n") == 1
