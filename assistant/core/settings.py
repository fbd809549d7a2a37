"""One settings object, read from `STCE_*` environment variables at the entry point."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    """Per-user data directory (XDG), so the index survives across runs and checkouts."""
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "stce-assistant"


def _packaged_corpus() -> Path:
    """The starter corpus shipped as the `corpus` package (in a checkout, its `corpus/` folder)."""
    from importlib.resources import files

    return Path(str(files("corpus")))


def _checkout_lists() -> Path | None:
    """In a checkout beside `../shared/sources` (this workplace), the official lists there; else none."""
    beside = Path(__file__).resolve().parents[3] / "shared" / "sources"
    return beside if beside.is_dir() else None


ECFR_CCL_URL = (
    "https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml"
    "?part=774&appendix=Supplement%20No.%201%20to%20Part%20774"
)
"""The eCFR versioner API: 15 CFR 774 Supplement No. 1 as of an issue date (`{date}`, from the titles list)."""


NO_LISTS_PAGE = (
    "https://www.regjeringen.no/no/tema/utenrikssaker/Eksportkontroll/om-eksportkontroll/varelister/id2008485/"
)
"""Where the Norwegian ministry links the current List I and List II PDFs."""


class Settings(BaseSettings):
    """Everything configurable; built once by the CLI or UI and passed down."""

    model_config = SettingsConfigDict(env_prefix="STCE_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Data directory: index, registry, logs.")
    corpus_dir: Path = Field(default_factory=_packaged_corpus, description="Starter corpus, ingested on first run.")
    chroma_url: str | None = Field(default=None, description="Chroma server URL; embedded store when unset.")
    collection: str = "passages"
    max_file_mb: float = Field(default=50.0, description="Largest file accepted for ingestion.")
    max_passage_tokens: int = Field(default=250, description="Word pieces per passage; the model truncates at 256.")
    embed_batch_size: int = 64
    top_k: int = 5
    home_list: str = Field(
        default="",
        description="The officer's own list label (e.g. 'NO List II'): when lists "
        "control the same item, its entry leads the card and its citation comes first.",
    )
    lock_timeout_s: float = Field(default=600.0, description="How long a writer waits for another to finish.")
    audit_log: bool = True
    audit_log_max_bytes: int = Field(default=5_000_000, description="Size at which the audit file is archived.")
    audit_keep: int = Field(default=0, ge=0, description="Audit archives kept (oldest deleted first); 0 keeps all.")
    editor_password: str | None = None
    llm_provider: Literal["none", "ollama", "openai", "llamacpp"] = Field(
        default="none", description="Who writes the answer: none keeps the extractive answer."
    )
    llm_model: str = Field(default="", description="Model name on the Ollama or OpenAI-compatible server.")
    llm_base_url: str | None = Field(default=None, description="Ollama or OpenAI-compatible server URL.")
    llm_api_key: SecretStr | None = Field(default=None, description="Key for an OpenAI-compatible endpoint.")
    llm_timeout_s: float = Field(default=60.0, description="Longest wait for a whole LLM answer before falling back.")
    llm_model_path: Path | None = Field(default=None, description="GGUF file for the llamacpp provider.")
    lists_dir: Path | None = Field(
        default_factory=_checkout_lists,
        description="A folder of official list files ingested on first start when the index holds no control list.",
    )
    lists_mirror: str = Field(
        default="",
        description="Base address of a mirror serving the official files under their folder/name "
        "(e.g. http://hq.example/lists/ -> .../us-ccl/ccl_supp1.xml); replaces every publisher address.",
    )
    url_us_ccl: str = Field(default=ECFR_CCL_URL, description="US CCL (eCFR XML); {date} is the latest issue.")
    url_ecfr_titles: str = Field(
        default="https://www.ecfr.gov/api/versioner/v1/titles.json", description="eCFR titles with their issue dates."
    )
    url_ca_nsg_en: str = Field(
        default="https://laws-lois.justice.gc.ca/eng/XML/SOR-2000-210.xml", description="SOR/2000-210 (XML)."
    )
    url_ca_nsg_fr: str = Field(
        default="https://laws-lois.justice.gc.ca/fra/XML/DORS-2000-210.xml", description="DORS/2000-210 (XML)."
    )
    url_no_list_ii: str = Field(
        default="",
        description="Norwegian List II, dual-use goods (PDF): the ministry links it from NO_LISTS_PAGE under an "
        "address that changes with each edition, so it is set here (or served by a mirror).",
    )
    url_no_list_i: str = Field(default="", description="Norwegian List I, military goods (PDF); as List II.")
    fetch_timeout_s: float = Field(default=60.0, description="Longest wait for a publisher between two reads.")
    api_rate_per_minute: int = Field(
        default=60,
        ge=1,
        description="Requests one API token may make a minute (`stce serve`); more get 429 with Retry-After. "
        "60: an answer takes about 80 ms at p50 on two cores, so one process answers some 700 a minute; 60 a "
        "token lets a dozen busy risk systems share it without one starving the others.",
    )
    api_max_body_kb: int = Field(
        default=1024,
        ge=1,
        description="Largest request body the API reads (`stce serve`); larger gets 413. 1 MB holds a manifest "
        "of several thousand CSV lines, far more than one screening call may carry (API_MAX_LINES).",
    )
    trusted_keys: list[str] = Field(
        default_factory=list,
        description="Ed25519 public keys (hex) whose index bundles `stce index import` accepts.",
    )
    signing_key: Path | None = Field(
        default=None, description="The editor's Ed25519 private key for `stce index export` (default: in home)."
    )

    @field_validator("lists_dir", mode="before")
    @classmethod
    def _no_folder(cls, value: object) -> object:
        """`STCE_LISTS_DIR=` (empty) means no lists folder: first start then offers `stce lists fetch`."""
        return None if value == "" else value

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def registry_path(self) -> Path:
        return self.home / "registry.sqlite"

    @property
    def snapshots_dir(self) -> Path:
        return self.home / "snapshots"

    @property
    def kept_dir(self) -> Path:
        """An immutable copy of every ingested source version, named by its checksum: the index's backup."""
        return self.home / "sources"

    @property
    def lock_path(self) -> Path:
        return self.home / "writer.lock"

    @property
    def fetched_dir(self) -> Path:
        """Official files `stce lists fetch` downloaded, each with its address, date and SHA-256 beside it."""
        return self.home / "lists"
