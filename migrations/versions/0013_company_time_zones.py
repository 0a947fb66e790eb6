"""Time zones: each company's zone, users following it, documents' printed issue date.

- ``companies.timezone``: the zone the company's day runs in, filled from the country
  (Pakistan Asia/Karachi, China Asia/Shanghai, another country its zone when all its zones
  keep one clock, else UTC).
- ``users.timezone`` may be NULL, meaning "my company's zone" (an operator's: UTC). The old
  default "UTC" was never chosen by anyone in particular (the profile form was pre-filled
  with it), so it becomes NULL: those people now see their company's clock.
- ``documents.issued_on``: the date printed on each document. Documents issued so far
  printed their UTC date; it is copied from their frozen snapshot. It is fixed at issue
  like the other columns the immutability triggers guard.

SQLite cannot change a column's NULL-ability or add a NOT NULL column without a default
in place, and copying ``users`` or ``documents`` into a new table would break the foreign
keys pointing at them; the SQLite branch therefore uses ADD/DROP/RENAME COLUMN. There,
``documents.issued_on`` keeps a placeholder default that a trigger refuses to store.

Revision ID: 0013_company_time_zones
Revises: 0012_payment_controls
Create Date: 2026-12-01 09:00:00

"""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytz
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_company_time_zones"
down_revision = "0012_payment_controls"
branch_labels = None
depends_on = None

# The rule as it stood when this migration was written (app.models.company.default_timezone).
COUNTRY_ZONES = {"PK": "Asia/Karachi", "CN": "Asia/Shanghai"}
SAMPLE_MOMENTS = (datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC))

# Fixed at issue (0004_documents), now with the printed date.
FROZEN = ("order_id", "issuer_id", "recipient_id", "kind", "year", "sequence", "number",
          "issued_at", "corrects_id", "currency", "total_minor", "verification_token")
WRITTEN_ONCE = ("pdf", "sha256", "byte_size", "rendered_at")
SQLITE_PLACEHOLDER_DAY = "1970-01-01"


def _default_zone(country):
    code = (country or "").upper()
    if code in COUNTRY_ZONES:
        return COUNTRY_ZONES[code]
    zones = pytz.country_timezones.get(code, [])
    if not zones:
        return "UTC"
    clocks = {
        tuple(moment.astimezone(ZoneInfo(zone)).utcoffset() for moment in SAMPLE_MOMENTS)
        for zone in zones
    }
    return zones[0] if len(clocks) == 1 else "UTC"


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    bind = op.get_bind()
    op.add_column(
        "companies",
        sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False),
    )
    companies = sa.table("companies", sa.column("country"), sa.column("timezone"))
    countries = [row[0] for row in bind.execute(sa.select(companies.c.country).distinct())]
    for country in countries:
        zone = _default_zone(country)
        if zone != "UTC":
            bind.execute(
                companies.update().where(companies.c.country == country).values(timezone=zone)
            )

    if _sqlite():
        op.execute("ALTER TABLE users ADD COLUMN timezone_override VARCHAR(64)")
        op.execute("UPDATE users SET timezone_override = NULLIF(timezone, 'UTC')")
        op.execute("ALTER TABLE users DROP COLUMN timezone")
        op.execute("ALTER TABLE users RENAME COLUMN timezone_override TO timezone")
    else:
        op.alter_column("users", "timezone", existing_type=sa.String(length=64), nullable=True)
        op.execute("UPDATE users SET timezone = NULL WHERE timezone = 'UTC'")

    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS documents_frozen")
        op.execute(
            "ALTER TABLE documents ADD COLUMN issued_on DATE NOT NULL"
            f" DEFAULT '{SQLITE_PLACEHOLDER_DAY}'"
        )
        op.execute(
            "UPDATE documents SET issued_on ="
            " COALESCE(json_extract(data, '$.issued_on'), date(issued_at))"
        )
        _create_sqlite_triggers((*FROZEN, "issued_on"))
        op.execute(
            "CREATE TRIGGER documents_issued_on_given BEFORE INSERT ON documents"
            f" WHEN NEW.issued_on = '{SQLITE_PLACEHOLDER_DAY}'"
            " BEGIN SELECT RAISE(ABORT, 'a document needs its issue date'); END"
        )
    else:
        op.add_column("documents", sa.Column("issued_on", sa.Date(), nullable=True))
        op.execute(
            "UPDATE documents SET issued_on = COALESCE("
            "(data->>'issued_on')::date, (issued_at AT TIME ZONE 'UTC')::date)"
        )
        op.alter_column("documents", "issued_on", existing_type=sa.Date(), nullable=False)
        _replace_postgres_function((*FROZEN, "issued_on"))


def _create_sqlite_triggers(frozen_columns):
    frozen = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in (*frozen_columns, "data"))
    once = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in WRITTEN_ONCE)
    op.execute(
        f"CREATE TRIGGER documents_frozen BEFORE UPDATE ON documents"
        f" WHEN {frozen} OR (OLD.pdf IS NOT NULL AND ({once}))"
        f" BEGIN SELECT RAISE(ABORT, 'issued documents never change'); END"
    )


def _replace_postgres_function(frozen_columns):
    frozen = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in frozen_columns)
    once = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in WRITTEN_ONCE)
    op.execute(f"""
        CREATE OR REPLACE FUNCTION documents_immutable() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'documents are never deleted';
            END IF;
            IF {frozen} OR NEW.data::text IS DISTINCT FROM OLD.data::text THEN
                RAISE EXCEPTION 'document % is fixed at issue', OLD.number;
            END IF;
            IF OLD.pdf IS NOT NULL AND ({once}) THEN
                RAISE EXCEPTION 'the PDF of document % is written once', OLD.number;
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql
    """)


def downgrade():
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS documents_issued_on_given")
        op.execute("DROP TRIGGER IF EXISTS documents_frozen")
        op.execute("ALTER TABLE documents DROP COLUMN issued_on")
        _create_sqlite_triggers(FROZEN)
    else:
        _replace_postgres_function(FROZEN)
        op.drop_column("documents", "issued_on")

    if _sqlite():
        op.execute("ALTER TABLE users ADD COLUMN timezone_required VARCHAR(64) NOT NULL DEFAULT 'UTC'")
        op.execute("UPDATE users SET timezone_required = COALESCE(timezone, 'UTC')")
        op.execute("ALTER TABLE users DROP COLUMN timezone")
        op.execute("ALTER TABLE users RENAME COLUMN timezone_required TO timezone")
        op.execute("ALTER TABLE companies DROP COLUMN timezone")
    else:
        op.execute("UPDATE users SET timezone = 'UTC' WHERE timezone IS NULL")
        op.alter_column("users", "timezone", existing_type=sa.String(length=64), nullable=False)
        op.drop_column("companies", "timezone")
