"""Child process of `assistant.answer.llm.probe_local_model`: load a GGUF model and complete a few tokens.

    python -m assistant.answer.llm_probe MODEL.gguf

Exit 0 when it works; a native crash ends this process alone, with a signal the parent reports.
"""

from __future__ import annotations

import sys


def main(path: str) -> int:
    from llama_cpp import Llama

    model = Llama(model_path=path, n_ctx=256, verbose=False)
    model.create_completion("The capital of France is", max_tokens=4, temperature=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
