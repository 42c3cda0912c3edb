"""Settings for the test suite: a throw-away data directory and the database under test.

SQLite in that directory by default; PostgreSQL when `ANDON_TEST_DATABASE_URL` is set (CI sets it).
"""

import os
import tempfile

os.environ["ANDON_HOME"] = tempfile.mkdtemp(prefix="andon-test-")
os.environ.setdefault("ANDON_SECRET_KEY", "test-secret-key-that-is-long-enough-for-django")
os.environ["ANDON_DATABASE_URL"] = os.environ.get("ANDON_TEST_DATABASE_URL") or (
    f"sqlite:///{os.environ['ANDON_HOME']}/andon.sqlite3"
)

from andon.settings import *  # noqa: F403

# Hashing passwords slowly protects real users, not test fixtures.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
