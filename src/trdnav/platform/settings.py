"""One typed Settings object, read from the environment (prefix TRDNAV_) and `.env`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-not-secret-change-me"
DEFAULT_DB = "sqlite:///var/trdnav.db"


class Settings(BaseSettings):
    """Runtime configuration. Secrets may also come from files: set TRDNAV_SECRET_KEY_FILE."""

    model_config = SettingsConfigDict(
        env_prefix="TRDNAV_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DB
    host: str = "127.0.0.1"
    port: int = Field(
        default=8000, ge=1, le=65535, validation_alias=AliasChoices("PORT", "TRDNAV_PORT")
    )
    clinic_config: Path | None = Field(
        default=None, description="Clinic TOML; the demo clinic when unset."
    )
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    secret_key_file: Path | None = None
    base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "TRD Navigator <no-reply@localhost>"
    log_level: str = "info"
    # Reverse proxies whose X-Forwarded-For is trusted (client IPs feed rate limits and audit).
    forwarded_allow_ips: str = "127.0.0.1"
    # A workspace login ends after this long without a request, or this long after sign-in.
    # (The older TRDNAV_SESSION_* names are still read.)
    login_idle_minutes: int = Field(
        default=15,
        ge=1,
        le=24 * 60,
        validation_alias=AliasChoices("TRDNAV_LOGIN_IDLE_MINUTES", "TRDNAV_SESSION_IDLE_MINUTES"),
    )
    login_absolute_hours: int = Field(
        default=12,
        ge=1,
        le=24 * 30,
        validation_alias=AliasChoices(
            "TRDNAV_LOGIN_ABSOLUTE_HOURS", "TRDNAV_SESSION_ABSOLUTE_HOURS"
        ),
    )
    login_max_failures: int = Field(default=10, ge=1, le=1000)
    login_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    reset_token_minutes: int = Field(default=30, ge=5, le=24 * 60)
    # Request bodies past this many bytes are refused (413) before anything parses them; JSON
    # bodies of the API that nest arrays/objects deeper than this are refused (422).
    max_body_bytes: int = Field(default=1_048_576, ge=1024, le=1024**3)
    max_json_depth: int = Field(default=32, ge=4, le=1000)
    # Plain HTTP for development on a loopback address (`make run`): cookies lose Secure and
    # their __Host- names, no HSTS. Refused in production and on a non-loopback bind.
    plain_http: bool = False
    # The waitlist page's planner searches this long (seconds) before answering.
    planner_time_limit: float = Field(default=10.0, ge=0.5, le=120)
    # The audit chain's HMAC key (kept outside the database; derived from the secret key when
    # unset), its id (default: a fingerprint of the key), older keys still trusted for entries
    # they signed ("id:key,id:key"), and the file signed checkpoints of the chain head go to.
    audit_key: SecretStr | None = None
    audit_key_id: str | None = Field(default=None, max_length=16, pattern=r"^[A-Za-z0-9_.-]+$")
    audit_previous_keys: SecretStr | None = None
    audit_checkpoint_file: Path | None = None
    # Set by platform.install_secret when no secret is configured: the generated secret's file.
    _generated_secret: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _secrets(self) -> Settings:
        if self.secret_key_file is not None:
            self.secret_key = SecretStr(self.secret_key_file.read_text().strip())
        if self.environment == "production" and self.secret_key.get_secret_value() == DEV_SECRET:
            raise ValueError("TRDNAV_SECRET_KEY (or _FILE) must be set outside development")
        if self.environment == "production" and self.plain_http:
            raise ValueError("TRDNAV_PLAIN_HTTP is for development only; serve over HTTPS")
        if self.environment == "production" and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("TRDNAV_SECRET_KEY must be at least 32 characters")
        return self


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
