"""Configuration: environment variables with the STABIL_ prefix, read once into one object.

Every field here is documented in docs/settings.md; a test fails when one is not.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MIB = 1024 * 1024


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """Comma-separated addresses or CIDR networks; an address is a network of one."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"{item!r} is neither an IP address nor a network: "
                "write e.g. 10.0.0.5, 10.0.0.0/8 or fd00::/8, separated by commas"
            ) from None
    return tuple(networks)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STABIL_", extra="ignore")

    var_dir: Path = Field(
        default=Path("var"),
        description="Directory for local state: the SQLite database, the mailbox, assets.",
    )
    public_dir: Path | None = Field(
        default=None,
        description="Directory of the published status pages, feeds and JSON; default: "
        "var_dir/public.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database; default: SQLite in var_dir/stabil.db.",
    )
    declarations_dir: Path = Field(
        default=Path("declarations"),
        description="Directory whose *.yaml declarations `make run` loads.",
    )
    database_pool_size: int = Field(
        default=10,
        ge=1,
        le=200,
        description="Database connections a server process lends to requests at once.",
    )
    queue_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="How long a request waits for a database connection before a 503.",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Address at which people reach the app; links in e-mails start with it.",
    )
    host: str = Field(default="127.0.0.1", description="Address `stabil serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `stabil serve` uses.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Level of the log written to standard error."
    )
    smtp_host: str | None = Field(
        default=None, description="SMTP server for outgoing mail; unset: the local mailbox."
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP server port.")
    smtp_user: str | None = Field(default=None, description="SMTP user name, if it needs one.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="none", description="Plain SMTP, STARTTLS, or SMTP over TLS."
    )
    mail_from: str = Field(
        default="stabil@localhost", description="Sender address of every e-mail Stabil sends."
    )
    worker_poll_seconds: float = Field(
        default=1.0, gt=0, le=60, description="How long an idle worker waits before looking again."
    )
    outbox_lease_seconds: int = Field(
        default=300,
        ge=1,
        le=86400,
        description="How long a worker holds the notifications it claimed before another may.",
    )
    outbox_max_attempts: int = Field(
        default=10, ge=1, le=100, description="Attempts to deliver a notification before parking."
    )
    escalation_grace_seconds: int = Field(
        default=120,
        ge=0,
        le=3600,
        description="How long escalations already due when an incident is registered wait, "
        "so that what already happened can be recorded first.",
    )

    watch_in_worker: bool = Field(
        default=True,
        description="Whether `stabil worker` and `stabil serve` run the prober too; false when "
        "`stabil watch` runs apart.",
    )
    watch_concurrency: int = Field(
        default=500, ge=1, le=10_000, description="Probes the prober runs at once, at most."
    )
    watch_reload_seconds: float = Field(
        default=15.0,
        ge=1,
        le=300,
        description="How often the prober looks for monitors added, changed or removed.",
    )
    probe_retention_days: int = Field(
        default=7,
        ge=1,
        le=3650,
        description="Days raw probe results are kept; the intervals of state are kept for ever.",
    )

    secret_key: SecretStr | None = Field(
        default=None,
        description="Key that signs the links mailed to confirm a subscription; unset: a key "
        "made once and kept in var_dir/secret_key.",
    )
    subscribe_client_limit: int = Field(
        default=10,
        ge=1,
        le=10_000,
        description="Subscription requests one client address may make per 15 minutes, "
        "counted by each server process.",
    )

    max_body_bytes: int = Field(
        default=MIB,
        ge=1024,
        le=1024 * MIB,
        description="Largest request body accepted, in bytes; a larger one is answered 413 unread.",
    )
    metrics_allow: str = Field(
        default="127.0.0.0/8,::1",
        description="Client addresses or networks, comma-separated, that may read /metrics "
        "without a token.",
    )

    @field_validator("metrics_allow")
    @classmethod
    def _metrics_allow_is_networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    @property
    def metrics_networks(self) -> tuple[IPNetwork, ...]:
        return parse_networks(self.metrics_allow)

    @property
    def mail_domain(self) -> str:
        """The domain of Message-IDs: the sender's."""
        return self.mail_from.rpartition("@")[2] or "localhost"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'stabil.db'}"


@cache
def get_settings() -> Settings:
    """The settings, read from the environment on first use."""
    return Settings()
