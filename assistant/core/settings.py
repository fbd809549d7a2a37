"""One settings object, read from `STCE_*` environment variables at the entry point."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
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
