"""One settings module for every environment, read from the environment.

Unset REDIS_URL means *embedded mode*: an in-memory channel layer, a local
cache and a Celery broker on the file system, so `make run` needs no servers.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from wellbeing.beat import BEAT_SCHEDULE
from wellbeing.env import env_bool, env_choice, env_int, env_list, env_str, require_secret_key
from wellbeing.oidc_providers import oidc_apps_from_env, oidc_origins

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = require_secret_key(DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SERVICE_NAME = env_str("SERVICE_NAME", "Staff peer support")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "core",
    "accounts",
    "audit",
    "programmes",
    "groups",
    "signups",
    "rooms",
    "reports",
    "notifications",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy everywhere; no-store on everything a signed-in person sees.
    "core.headers.PrivacyHeadersMiddleware",
    # WhiteNoise, streaming its files asynchronously under ASGI (core/staticfiles.py).
    "core.staticfiles.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # allauth's UserSessionsMiddleware, but writing at most once a minute.
    "accounts.middleware.UserSessionsMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    "accounts.middleware.OnboardingRequiredMiddleware",
    # Reads of people's data in the Django admin go to the audit log.
    "audit.middleware.AdminAuditMiddleware",
    # Rate limits that cannot be counted (Redis down) refuse with a 503 page.
    "core.middleware.CacheUnavailableMiddleware",
]

ROOT_URLCONF = "wellbeing.urls"
WSGI_APPLICATION = "wellbeing.wsgi.application"
ASGI_APPLICATION = "wellbeing.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "core.context_processors.service",
                "notifications.context_processors.unread",
            ],
        },
    },
]
# Our widget and form templates (NHS.UK markup) override Django's own.
FORM_RENDERER = "core.forms.NhsukFormRenderer"

# --- Data stores ---------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web server and worker share the file: wait for locks, write-ahead log.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
    # A file, not memory, so an ASGI server thread in the browser tests sees
    # the same test database; one per test run so parallel runs don't collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails a request in seconds (the friendly error
    # page), not after the operating system's TCP time-out.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 3)
DB_POOL_MAX = env_int("DB_POOL_MAX", 0)
if DB_POOL_MAX and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Under ASGI every concurrent request runs in its own thread with its own
    # connection; without a pool a booking rush exhausts PostgreSQL's
    # max_connections (bench S1: 901 of 1,000 requests failed, 0 with a pool).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The pool's wait is for a free connection in a rush; when the pool has
    # none at all (the database is down) this backend fails in connect_timeout.
    DATABASES["default"]["ENGINE"] = "wellbeing.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2, "max_size": DB_POOL_MAX, "timeout": env_int("DB_POOL_TIMEOUT", 30),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
EMBEDDED = not REDIS_URL

if EMBEDDED:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
else:
    # A shared cache: allauth's rate limits must count across processes.
    # Redis down: reads miss and writes are skipped (sessions come from the
    # database), counting refuses (core/cache.py); short time-outs so a
    # Redis that does not answer costs a page half a second, once in DOWN_FOR.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "wellbeing",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Redis pub/sub: bench S2 (100 people, 20 messages/s) measured a third less
    # CPU per delivery than RedisChannelLayer, a lower p99 and no drops (the
    # core layer drops past 100 queued messages per socket). Room events are
    # relayed and forgotten, so its lack of persistence costs nothing.
    # CHANNEL_LAYER=core switches back.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": {
                "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "core": "channels_redis.core.RedisChannelLayer",
            }[env_choice("CHANNEL_LAYER", ["pubsub", "core"], "pubsub")],
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    # Sessions are read from Redis on every request (written through to the
    # database, which stays the record: sign-out everywhere and erasure find
    # them there). Not in embedded mode: a per-process cache would keep
    # serving a session that another process ended.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Celery ----------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
if EMBEDDED:
    # kombu's file-system transport: worker and beat run as separate
    # processes without any server.
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Exchange tables; kombu's default is ./control in the working directory.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
    if CELERY_BROKER_URL.startswith("redis://"):
        # kombu's Redis transport with the fix for a worker crash when Redis
        # restarts under a task (wellbeing/celery.py says why).
        CELERY_BROKER_TRANSPORT = "wellbeing.celery:RedisTransport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        # A dead connection (Redis restarted, a firewall dropped it) is noticed
        # within seconds rather than on the next command.
        "socket_keepalive": True,
        "health_check_interval": 10,
    }
# Keep trying to reach the broker, at start-up and after losing it, however
# long it is away, rather than exiting after 100 attempts.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the broker goes away finishes (each is idempotent).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A backlog of reminders is sent by this many sweeps at once (bench S4): about
# the worker's --concurrency (4 in docker-compose.yml) less room for other jobs.
NOTIFICATION_PARALLEL_SWEEPS = env_int("NOTIFICATION_PARALLEL_SWEEPS", 2)
# Sweeps commit claims and outcomes without waiting for the disk flush
# (notifications/delivery.py says what a database crash can then cost).
NOTIFICATION_SYNCHRONOUS_COMMIT = env_bool("NOTIFICATION_SYNCHRONOUS_COMMIT", False)
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Accounts --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # allauth's backend, reading a person's roles (and the programmes they hold
    # them in) in one query (accounts/backends.py, programmes/backends.py).
    "programmes.backends.ProgrammeRoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Tell people when their password, email address, two-factor set-up or
# ways to sign in change (templates/account/email/base_notification.txt).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# allauth's default rate limits stay on; these only make them explicit.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# NHS sign-in (NHSmail / Entra ID, CIS2) through allauth's OpenID Connect
# provider: apps from the environment (wellbeing/oidc_providers.py), none by
# default. Our provider class adds a nonce and always checks the ID token's
# signature (accounts/oidc.py); accounts/social.py holds the sign-in rules.
OIDC_APPS = oidc_apps_from_env()
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "accounts.oidc.NhsOpenIDConnectProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": OIDC_APPS,
    }
}
SOCIALACCOUNT_ADAPTER = "accounts.social.SocialAccountAdapter"
# Never sign someone in to, or link, an existing account because a provider
# asserts its address: they sign in as themselves first, then connect.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
# Connecting or removing a provider asks for the password again first, so
# nobody at an unlocked computer can link their own account to someone else's.
SOCIALACCOUNT_REAUTHENTICATION_REQUIRED = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 5)
# Codes sent by email (sign-in, verification, password reset, when turned
# on) are six digits like the authenticator app's, typed on a number pad.
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_ENCRYPTION_KEY = env_str("MFA_ENCRYPTION_KEY")
# People can see their signed-in browsers and end the others (/accounts/sessions/).
USERSESSIONS_TRACK_ACTIVITY = True

# Signed-in sessions end after this long without activity, and after this long
# whatever happens; pages warn two minutes before and let the person extend.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_ABSOLUTE_TIMEOUT_HOURS = env_int("SESSION_ABSOLUTE_TIMEOUT_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600
MFA_TOTP_ISSUER = SERVICE_NAME

# Sign-up is for NHS staff: exact domains, or "*.domain" for its subdomains.
SIGNUP_EMAIL_DOMAINS = env_list(
    "SIGNUP_EMAIL_DOMAINS", ["nhs.net", "nhs.uk", "*.nhs.uk", "nhs.scot", "hscni.net"]
)

# --- Email -----------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Staff peer support <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Django's MAILERS (the EMAIL_* settings are deprecated); the environment
# keeps its EMAIL_* names. Code sends through `mail.mailers.default`.
if env_str("EMAIL_HOST"):
    MAILERS = {"default": {
        "BACKEND": "core.mail.SmtpEmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST"),
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        },
    }}
else:
    # One readable .eml file a message, openable in any mail program.
    MAILERS = {"default": {"BACKEND": "core.mail.OutboxEmailBackend",
                           "OPTIONS": {"file_path": str(VAR_DIR / "outbox")}}}

# --- Localisation ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# WhiteNoise serves from it and warns on every start when it is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Request limits ----------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

# --- Security ----------------------------------------------------------------
# Nothing from other hosts, no inline code: every script is a file of ours
# (JSON data blocks are not executed, so they need no exception).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],  # includes same-origin WebSockets
    "media-src": [CSP.SELF, "blob:", "mediastream:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    # The NHS sign-in buttons post to us, and we redirect to the provider.
    "form-action": [CSP.SELF, *oidc_origins(OIDC_APPS)],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Live rooms ---------------------------------------------------------------
ROOM_OPENS_MINUTES_BEFORE = env_int("ROOM_OPENS_MINUTES_BEFORE", 10)
ROOM_VIDEO_MAX = env_int("ROOM_VIDEO_MAX", 12)
# How often a waiting page (not open yet, ended) asks whether the room is open.
ROOM_WAIT_POLL_SECONDS = env_int("ROOM_WAIT_POLL_SECONDS", 15)
# JSON list of RTCIceServer objects, e.g. [{"urls": "stun:stun.example.org:3478"}]
ROOM_ICE_SERVERS = json.loads(env_str("ROOM_ICE_SERVERS", "[]"))
# The Janus media servers (WebSocket API URLs, e.g. ws://janus:8188); empty =
# no SFU: the mesh for small rooms (docs/rooms.md). Each room is placed on the
# least-loaded one. The API secret and the VideoRoom admin key never reach a browser.
JANUS_URLS = env_list("JANUS_URLS", [])
JANUS_API_SECRET = env_str("JANUS_API_SECRET", "")
JANUS_ADMIN_KEY = env_str("JANUS_ADMIN_KEY", "")
# coturn with use-auth-secret: the shared secret and the relay URLs handed
# out (with credentials minted per admitted connection, at most an hour).
TURN_SECRET = env_str("TURN_SECRET", "")
TURN_URLS = env_list("TURN_URLS", [])
TURN_TTL_SECONDS = min(env_int("TURN_TTL_SECONDS", 3600), 3600)
# Only for a Janus behind a firewall that needs the relays itself: the key
# Janus presents to /rooms/janus/turn/ (its turn_rest_api) for a credential.
# Empty = that endpoint does not exist (404). Same as Janus's JANUS_TURN_REST_KEY.
JANUS_TURN_REST_KEY = env_str("JANUS_TURN_REST_KEY", "")
# "relay" sends all media through the TURN relays (hides addresses; for
# networks that allow nothing else); "all" lets browsers connect directly.
ROOM_ICE_TRANSPORT_POLICY = env_choice("ROOM_ICE_TRANSPORT_POLICY", ["all", "relay"], "all")

# --- Retention (privacy.tasks.retention_purge, daily) ---------------------
RETENTION_ATTENDANCE_MONTHS = env_int("RETENTION_ATTENDANCE_MONTHS", 24)
RETENTION_FEEDBACK_COMMENT_MONTHS = env_int("RETENTION_FEEDBACK_COMMENT_MONTHS", 12)
RETENTION_AUDIT_MONTHS = env_int("RETENTION_AUDIT_MONTHS", 24)

# --- "Need help now?" signposting ----------------------------------------
# Replace the whole list with SIGNPOSTING_FILE (JSON: a list of objects with
# name, detail and optionally href), e.g. to add your occupational health.
SIGNPOSTING = [
    {"name": "Samaritans", "detail": "Call 116 123, free, any time, day or night.",
     "href": "tel:116123"},
    {"name": "Shout (text service)", "detail": "Text FRONTLINE to 85258 for free, "
     "confidential support by text, any time.", "href": "sms:85258?body=FRONTLINE"},
    {"name": "NHS 111", "detail": "Call 111 if you need urgent help for your mental "
     "health. In an emergency call 999.", "href": "tel:111"},
    {"name": "NHS Practitioner Health", "detail": "Free, confidential mental health "
     "service for NHS staff: call 0300 0303 300.", "href": "https://www.practitionerhealth.nhs.uk"},
    {"name": "Your occupational health service", "detail": env_str(
        "OCCUPATIONAL_HEALTH_DETAIL",
        "Your organisation's occupational health team can offer confidential support."),
     "href": env_str("OCCUPATIONAL_HEALTH_URL")},
]
if env_str("SIGNPOSTING_FILE"):
    SIGNPOSTING = json.loads(Path(env_str("SIGNPOSTING_FILE")).read_text())

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}
