"""Configuration classes, chosen by ``CORRIDOR_CONFIG`` (development, testing, production).

Every value a deployment changes comes from the environment; production refuses to start
without a real secret and a real database rather than fall back to an insecure default.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("CORRIDOR_INSTANCE_DIR", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """Raised when the environment does not hold what a configuration needs."""


class Config:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    # Idle pooled connections are pinged before use: see ping_idle_connections.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
    # Uploads (listing images, payment proofs) are capped at 5 MB; allow form overhead.
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 3600 * 12
    HSTS = False
    LANGUAGES = ("en", "zh_Hans", "ur")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "app" / "translations")
    # Login throttling (Flask-Limiter). Shared storage (Redis) is needed once several
    # processes serve the site, or each process counts on its own.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or (
        os.environ["REDIS_URL"] if os.environ.get("REDIS_URL") else "memory://"
    )
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on every 429
    LOGIN_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"
    LOGIN_LIMIT_PER_ADDRESS = "30 per minute;200 per hour"
    # Calls one API token may make (app/web/api/scopes.py); over it, 429 with Retry-After.
    API_RATE_LIMIT_PER_TOKEN = (
        os.environ.get("API_RATE_LIMIT_PER_TOKEN") or "1200 per minute;30000 per hour"
    )
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    ARGON2_MEMORY_KIB = 47_104  # 46 MiB, t=1, p=1: the OWASP ASVS 5.0 floor for argon2id
    ARGON2_TIME_COST = 1
    ARGON2_PARALLELISM = 1
    # Bounds on one document render (a forked child is killed past them).
    DOCUMENT_RENDER_SECONDS = int(os.environ.get("DOCUMENT_RENDER_SECONDS", "60"))
    DOCUMENT_RENDER_MEMORY_MB = int(os.environ.get("DOCUMENT_RENDER_MEMORY_MB", "768"))
    # A download's audit row is committed before the file is sent; by default PostgreSQL
    # does not wait for that commit's WAL flush (see DECISIONS, Documents). Set to 1 to
    # wait for it as every other transaction does.
    DOWNLOAD_AUDIT_WAITS_FOR_DISK = os.environ.get("DOWNLOAD_AUDIT_WAITS_FOR_DISK") == "1"
    # Card payments: hidden unless both keys are set. The API base and the Stripe.js address
    # are configuration so tests point them at a local localstripe server.
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")  # None: Stripe's own
    STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")
    # Queue each issued document's render when its transaction commits. Tests turn this off
    # and render the documents they read (``render_pending``), to keep the suite fast.
    RENDER_DOCUMENTS_AFTER_COMMIT = True
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Corridor <no-reply@corridor.invalid>")
    REDIS_URL = os.environ.get("REDIS_URL") or None
    HUEY_SQLITE_PATH = os.environ.get("HUEY_SQLITE_PATH") or None
    HUEY_NAME = os.environ.get("HUEY_NAME", "corridor")
    HUEY_IMMEDIATE = False
    # Listing images; several app servers need this on shared storage.
    MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or str(INSTANCE_DIR / "media")
    # ZIPs of invoice PDFs built by the job consumer and served by the web app: both must see
    # the same directory (shared storage once they run on different machines).
    EXPORT_ROOT = os.environ.get("EXPORT_ROOT") or str(INSTANCE_DIR / "exports")
    # Uploaded trade files (specifications, attachments, licences): unset, <instance>/files.
    FILE_ROOT = os.environ.get("FILE_ROOT") or None
    # "local" (FILE_ROOT) or "s3": an S3-compatible bucket every machine reaches (keys from
    # the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; S3_ENDPOINT_URL for non-AWS).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND") or "local"
    S3_BUCKET = os.environ.get("S3_BUCKET") or None
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    S3_REGION = os.environ.get("S3_REGION") or None
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    # E-mails written to the log instead of sent (a deliberate choice production must state).
    MAIL_LOG_ONLY = os.environ.get("MAIL_LOG_ONLY") == "1"
    # JSON log lines (one per request, with its id) for a log collector; on in production.
    LOG_JSON = os.environ.get("LOG_JSON") == "1"
    # /metrics answers only with this bearer token (unset: only from loopback addresses).
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    # Claims (trade assurance): an order stays open for claims this many days after the
    # buyer confirms delivery; delivery confirms itself this many days after the B/L's
    # arrival date (the shipment's ETA) if the buyer does nothing. The seller answers a
    # claim within 3 days; the buyer may escalate from day 4; it escalates itself on day 8;
    # after escalation each side has this many days for its evidence.
    CLAIMS_WINDOW_DAYS = int(os.environ.get("CLAIMS_WINDOW_DAYS", "30"))
    CLAIMS_AUTO_CONFIRM_DAYS = int(os.environ.get("CLAIMS_AUTO_CONFIRM_DAYS", "7"))
    CLAIM_RESPONSE_DAYS = 3
    CLAIM_AUTO_ESCALATE_DAYS = 7
    CLAIM_EVIDENCE_DAYS = int(os.environ.get("CLAIM_EVIDENCE_DAYS", "5"))
    # The site's public address (https://corridor.example): every absolute link (e-mails,
    # the QR codes and verification links printed on PDFs) starts with it, never with the
    # request's Host header. Production requires it; in development, unset, links name
    # the address being served (app/public_urls.py).
    PUBLIC_BASE_URL: str | None = os.environ.get("PUBLIC_BASE_URL") or None
    # Outgoing webhooks go only to hosts resolving to public addresses; tests (and a local
    # receiver in development) may allow loopback (app/services/webhooks/addresses.py).
    WEBHOOKS_ALLOW_LOOPBACK = os.environ.get("WEBHOOKS_ALLOW_LOOPBACK") == "1"


def _sqlite_uri(path: Path) -> str:
    return f"sqlite:///{path}"


class DevelopmentConfig(Config):
    DEBUG = False
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_uri(
        INSTANCE_DIR / "corridor.sqlite3"
    )


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = None
    HUEY_IMMEDIATE = True
    RENDER_DOCUMENTS_AFTER_COMMIT = False
    # Hashing at full strength costs ~50 ms; tests hash hundreds of times.
    ARGON2_MEMORY_KIB = 1024
    PUBLIC_BASE_URL = "http://corridor.test"
    WEBHOOKS_ALLOW_LOOPBACK = True


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    PREFERRED_URL_SCHEME = "https"
    LOG_JSON = os.environ.get("LOG_JSON", "1") == "1"
    WEBHOOKS_ALLOW_LOOPBACK = False  # never in production, whatever the environment says

    # Which database URLs production accepts: several web machines need a server database.
    DATABASE_SCHEMES: tuple[str, ...] = ("postgresql",)

    @classmethod
    def validate(cls) -> None:
        """Take the environment's settings, or refuse with one line per thing missing."""
        environ = os.environ
        refused = production_refusals(environ, cls.DATABASE_SCHEMES)
        if refused:
            raise ConfigError("\n".join(refused))
        cls.SECRET_KEY = environ["SECRET_KEY"]
        cls.SQLALCHEMY_DATABASE_URI = environ["DATABASE_URL"]
        cls.PUBLIC_BASE_URL = checked_public_base_url(environ.get("PUBLIC_BASE_URL"))
        cls.REDIS_URL = environ["REDIS_URL"]
        cls.RATELIMIT_STORAGE_URI = environ.get("RATELIMIT_STORAGE_URI") or environ["REDIS_URL"]
        cls.MAIL_SERVER = environ.get("MAIL_SERVER") or None


def production_refusals(environ: Mapping[str, str], database_schemes: tuple[str, ...]) -> list[str]:
    """What production lacks, one line each (empty: it may start).

    Production runs on several machines: without PostgreSQL, Redis and shared file storage
    each process would quietly keep its own data, throttle and files; it refuses instead.
    """
    refused: list[str] = []
    secret = environ.get("SECRET_KEY")
    if not secret or len(secret) < 32:
        refused.append("SECRET_KEY must be set to at least 32 random characters.")
    database = environ.get("DATABASE_URL") or ""
    if not database or database in {"sqlite://", "sqlite:///:memory:"}:
        refused.append("DATABASE_URL must name a real database.")
    elif urlsplit(database).scheme.split("+")[0] not in database_schemes:
        refused.append("DATABASE_URL must name a PostgreSQL database (postgresql+psycopg://...).")
    if not environ.get("REDIS_URL"):
        refused.append(
            "REDIS_URL must name the Redis server (job queue, login throttle, shared cache)."
        )
    if not environ.get("MAIL_SERVER") and environ.get("MAIL_LOG_ONLY") != "1":
        refused.append("MAIL_SERVER must be set, or MAIL_LOG_ONLY=1 to write e-mails to the log.")
    refused.extend(storage_refusals(environ))
    try:
        checked_public_base_url(environ.get("PUBLIC_BASE_URL"))
    except ConfigError as error:
        refused.append(str(error))
    return refused


def storage_refusals(environ: Mapping[str, str]) -> list[str]:
    backend = environ.get("STORAGE_BACKEND", "")
    if backend == "s3":
        return [] if environ.get("S3_BUCKET") else ["S3_BUCKET must name the bucket for files."]
    if backend == "local":
        if not environ.get("FILE_ROOT"):
            return ["FILE_ROOT must name the shared directory every machine mounts for files."]
        return []
    return [
        "STORAGE_BACKEND must be s3 (with S3_BUCKET) or local (with FILE_ROOT on shared storage)."
    ]


def checked_public_base_url(value: str | None) -> str:
    """``value`` as production's public address, or ConfigError: an absolute http(s) URL
    of a host, with no query or fragment (links are built by appending paths to it)."""
    parts = urlsplit((value or "").strip())
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        raise ConfigError(
            "PUBLIC_BASE_URL must be set to the site's public address, e.g."
            " https://corridor.example: links in e-mails and on documents start with it."
        )
    if parts.query or parts.fragment:
        raise ConfigError("PUBLIC_BASE_URL must not carry a query or a fragment.")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def resolve(name: str | None = None) -> type[Config]:
    """The configuration class for ``name`` or ``$CORRIDOR_CONFIG`` (default development)."""
    key = name or os.environ.get("CORRIDOR_CONFIG", "development")
    try:
        config = CONFIGS[key]
    except KeyError as exc:
        raise ConfigError(f"Unknown CORRIDOR_CONFIG {key!r}.") from exc
    if config is ProductionConfig:
        ProductionConfig.validate()
    return config


def development_secret(instance_dir: Path = INSTANCE_DIR) -> str:
    """A per-checkout random secret kept in instance/, so development never uses a constant."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


if __name__ == "__main__":
    # ``python config.py``: what production would refuse, before any server starts.
    import sys

    lines = production_refusals(os.environ, ProductionConfig.DATABASE_SCHEMES)
    for line in lines:
        print(f"refused: {line}", file=sys.stderr)
    sys.exit(1 if lines else 0)
