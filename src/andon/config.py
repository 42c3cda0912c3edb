"""Read Andon's configuration from the environment and refuse anything ambiguous.

A plant runs unattended: a typo in a variable must stop the start-up with a message that names the
variable, not fall back silently to a default the operator did not choose.
"""

import os
import secrets
import zoneinfo
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable; anything but a clear yes/no is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def home_dir() -> Path:
    """The data directory (`ANDON_HOME`, default `~/.andon`), created on first use."""
    home = Path(os.environ.get("ANDON_HOME") or Path.home() / ".andon").expanduser()
    try:
        home.mkdir(parents=True, exist_ok=True)
        (home / "static").mkdir(exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(f"ANDON_HOME={str(home)!r} cannot be created: {exc}") from exc
    return home


def secret_key(home: Path) -> str:
    """`ANDON_SECRET_KEY`, or one generated once and kept (mode 600) in the data directory."""
    configured = os.environ.get("ANDON_SECRET_KEY")
    if configured is not None:
        if len(configured) < 32:
            raise ImproperlyConfigured("ANDON_SECRET_KEY must be at least 32 characters long")
        return configured
    path = home / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def time_zone() -> str:
    name = os.environ.get("ANDON_TIME_ZONE", "UTC")
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"ANDON_TIME_ZONE={name!r} is not a known time zone") from None
    return name


# Just-in-time compilation costs tens of milliseconds per query and pays off only for queries
# that run for seconds; a page's month of KPIs is a 200 ms scan.
POSTGRES_OPTIONS = {"options": "-c jit=off"}


def database(home: Path) -> dict[str, object]:
    """`ANDON_DATABASE_URL` (sqlite:/// or postgres://), default SQLite in WAL mode under home."""
    import dj_database_url

    url = os.environ.get("ANDON_DATABASE_URL") or f"sqlite:///{home / 'andon.sqlite3'}"
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"ANDON_DATABASE_URL is not a database URL: {exc}") from None
    engine = str(config.get("ENGINE", ""))
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers work while a plan or an import writes; IMMEDIATE takes the write
            # lock at BEGIN so concurrent writers queue instead of failing with "locked".
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    elif engine == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
        options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
        for name, value in POSTGRES_OPTIONS.items():
            options.setdefault(name, value)
        config["OPTIONS"] = options
    else:
        raise ImproperlyConfigured(
            f"ANDON_DATABASE_URL: unsupported database {engine!r}; use sqlite:/// or postgres://"
        )
    return config
