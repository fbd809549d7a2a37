"""Peak memory of ingesting the largest files accepted: a 49 MB text file, a 50 MB PDF and the CCL.

    python -m bench.memory [--only text,pdf,ccl] [--mb 49]

Each file is ingested into an empty home by a child process of its own (`--child`), which reports its peak
resident memory (VmHWM) and that of its largest page-reader worker, with the progress it printed on the way.
The bound stated in the README is checked against these figures; it is a benchmark, not a timed test.

The text is generated: sections of made-up words and figures (seeded), repeated until the file is 49 MB, so
that reading and splitting see all 49 MB while the repeats fold into one passage each and the embedding stays
minutes, not hours, on two cores. The PDF has 400 pages of such text and one 45 MB grey image on its first page
(scanned pages make a PDF large), so the page readers are handed a 50 MB document.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.pdfwriter import PAGE_HEIGHT, PAGE_WIDTH, assemble

CCL = Path(__file__).resolve().parents[2] / "shared" / "sources" / "us-ccl" / "ccl_supp1.xml"
SECTIONS = 300
"""Distinct sections of the generated text: some 900 passages to embed."""
PDF_PAGES = 400
IMAGE_MB = 45
_SYLLABLES = ("ka", "lo", "mi", "ter", "va", "nor", "pel", "ur", "sa", "di", "on", "bre", "qui", "tam", "ex", "ro")


def _words(rng: random.Random, n: int) -> str:
    return " ".join("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(n))


def _section(rng: random.Random, number: int) -> str:
    lines = [f"## Section {number}: {_words(rng, 3)}", ""]
    lines += [
        f"{_words(rng, rng.randint(6, 16))}, {rng.randint(1, 999)} kg, {rng.randint(1, 90)} kPa." for _ in range(20)
    ]
    return "\n".join(lines) + "\n\n"


def write_text(path: Path, mb: float) -> None:
    """Markdown of `SECTIONS` generated sections, repeated until the file holds `mb` megabytes."""
    rng = random.Random(28)
    sections = "# Generated guidance\n\n" + "".join(_section(rng, n) for n in range(SECTIONS))
    with path.open("w", encoding="utf-8") as out:
        written = 0
        while written < mb * 1e6 - len(sections):
            written += out.write(sections)
        rest = int(mb * 1e6) - written
        out.write(sections[: max(0, rest)].rsplit("\n", 1)[0] + "\n")


def write_pdf(path: Path) -> None:
    """`PDF_PAGES` pages of generated text, the first also showing a `IMAGE_MB` MB uncompressed grey image."""
    rng = random.Random(29)
    side = int((IMAGE_MB * 1e6) ** 0.5)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    image = len(objects) + 1
    pixels = bytes(rng.getrandbits(8) for _ in range(4096)) * (side * side // 4096 + 1)
    objects.append(
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length %d >>\nstream\n%s\nendstream" % (side, side, side * side, pixels[: side * side])
    )
    kids = []
    for page in range(PDF_PAGES):
        lines = [_words(rng, rng.randint(6, 12)) + f" {rng.randint(1, 999)} kg" for _ in range(50)]
        text = "".join(f"BT /F1 9 Tf 50 {800 - 15 * n} Td ({line}) Tj ET\n" for n, line in enumerate(lines))
        if page == 0:
            text = "q 200 0 0 200 350 600 cm /Im1 Do Q\n" + text
        content = text.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        kids.append(len(objects) + 1)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] /Contents {len(objects)} 0 R "
            f"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 {image} 0 R >> >> >>".encode()
        )
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    path.write_bytes(assemble(objects))


def child(path: Path, home: Path) -> None:
    """Ingest one file into `home` and print one JSON line: peak memory of this process and of its workers."""
    from assistant.core.settings import Settings
    from assistant.core.types import Progress
    from ingest.pipeline import Ingester

    last: dict[str, float] = {}

    def progress(step: Progress) -> None:
        if time.monotonic() - last.get(step.phase, 0.0) > 10 or step.done == step.total:
            last[step.phase] = time.monotonic()
            print(f"  {step.phase} {step.done}/{step.total} rss {_rss_mb('VmRSS'):.0f} MB", file=sys.stderr, flush=True)

    started = time.perf_counter()
    with Ingester(Settings(home=home)) as ingester:
        result = ingester.ingest([path], progress=progress)[0]
    workers_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "status": result.status,
                "error": result.error,
                "passages": result.passages,
                "embedded": result.embedded,
                "seconds": round(time.perf_counter() - started, 1),
                "peak_mb": round(_rss_mb("VmHWM")),
                "worker_peak_mb": round(workers_kb / 1024),
            }
        )
    )


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="text,pdf,ccl", help="Which files: text, pdf, ccl (comma-separated).")
    parser.add_argument("--mb", type=float, default=49.0, help="Size of the generated text file.")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="stce-memory-") as tmp:
        files = {"text": Path(tmp, "generated.md"), "pdf": Path(tmp, "generated.pdf"), "ccl": CCL}
        for name in args.only.split(","):
            path = files[name]
            if name == "text":
                write_text(path, args.mb)
            elif name == "pdf":
                write_pdf(path)
            print(f"{name}: {path.name}, {path.stat().st_size / 1e6:.1f} MB", flush=True)
            run = subprocess.run(
                [sys.executable, "-m", "bench.memory", "--child", str(path), str(Path(tmp, f"home-{name}"))],
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
            )
            if run.returncode != 0 or not run.stdout.strip():
                print(f"  failed (exit {run.returncode})", flush=True)
                continue
            figures = json.loads(run.stdout.strip().splitlines()[-1])
            print(
                f"  {figures['status']} {figures['error']}: {figures['passages']} passages, {figures['embedded']} "
                f"embedded, {figures['seconds']} s; peak RSS {figures['peak_mb']} MB, largest page reader "
                f"{figures['worker_peak_mb']} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
