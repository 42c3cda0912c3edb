"""Django settings for Andon; every knob comes from an `ANDON_*` environment variable.

See `docs/configuration.md`. Anything wrong fails at start-up with the variable's name.
"""

import os
from pathlib import Path

from andon import config

BASE_DIR = Path(__file__).resolve().parent
ANDON_HOME = config.home_dir()

SECRET_KEY = config.secret_key(ANDON_HOME)
DEBUG = config.env_bool("ANDON_DEBUG", False)
ALLOWED_HOSTS = config.env_list("ANDON_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = config.env_list("ANDON_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    # Andon's bounded contexts, lowest layer first: the order of the import-linter layers contract
    # in pyproject.toml, read bottom-up: an app imports only apps listed before it. Each app's
    # registry.py is read in this order, so it is also the order of URL includes and API routers.
    "andon.core",
    "andon.accounts",
    # After accounts: Andon's `createsuperuser` and `changepassword` (audited, through accounts'
    # services) take the place of auth's, as the first app listed with a command name wins.
    "django.contrib.auth",
    "andon.plant",
    "andon.people",
    "andon.catalog",
    "andon.partners",
    "andon.inventory",
    "andon.orders",
    "andon.production",
    "andon.planning",
    "andon.scheduling",
    "andon.performance",
    "andon.transfer",
    "andon.alerts",
    "andon.collaboration",
    "andon.correspondence",
    "andon.demo",
    "andon.overview",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "andon.core.middleware.RejectControlCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "andon.accounts.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "andon.urls"
WSGI_APPLICATION = "andon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "andon.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": config.database(ANDON_HOME)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["andon.accounts.backends.RoleBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "overview:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = config.time_zone()
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["andon.formats"]

STATIC_URL = "static/"
STATIC_ROOT = ANDON_HOME / "static"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "andon.core.staticfinders.PlotlyFinder",
]
# Serve static files straight from the installed packages: no collectstatic step for a new user.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = ANDON_HOME / "media"
# Drawings and instructions attached to operations: the largest file accepted, in megabytes.
ANDON_MAX_DOCUMENT_MB = config.env_int("ANDON_MAX_DOCUMENT_MB", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_HOST = os.environ.get("ANDON_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = config.env_int("ANDON_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("ANDON_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ANDON_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = config.env_bool("ANDON_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("ANDON_EMAIL_FROM", "andon@localhost")
EMAIL_TIMEOUT = config.env_int("ANDON_EMAIL_TIMEOUT", 10)
# Where people reach this Andon; links in emails and webhooks start with it.
ANDON_BASE_URL = os.environ.get("ANDON_BASE_URL", "").rstrip("/")
ANDON_WEBHOOK_TIMEOUT = config.env_int("ANDON_WEBHOOK_TIMEOUT", 5)
ANDON_HANDOVER_ACK_MINUTES = config.env_int("ANDON_HANDOVER_ACK_MINUTES", 30)

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if config.env_bool("ANDON_TASK_WORKERS", False)
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"andon": {"handlers": ["console"], "level": "INFO"}},
}
