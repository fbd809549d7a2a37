"""Index bundles: an index exported at headquarters and imported at a post answers the same; a bundle from an
unknown key, changed, or cut off is refused and changes nothing; a kill at any step of an import leaves the
old index live."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from assistant.answer.ask import Assistant
from assistant.answer.render import answer_json
from assistant.core.errors import BundleRefused
from assistant.core.settings import Settings
from assistant.storage.integrity import check
from assistant.storage.registry import Registry
from ingest.bundle import export, import_bundle, keygen
from ingest.starter import ensure_starter_corpus
from tests.conftest import ROOT, SMALL_CCL_CODES, excerpt_home

QUESTIONS = [
    "glass-lined reactor 3 000 L",
    "seal-less pump, 2 m3/h, wetted parts Hastelloy",
    "frequency converter 800 Hz, 50 kVA",
    "frequency converter 400 Hz, 50 kVA",
    "CAS 111-48-8",
    "thiodiglycol, 200 kg drums",
    "Bacillus anthracis, isolated live culture, 2 cryovials",
    "ricin, 2 g",
    "2B350.i",
    "ECCN 3A225",
    "wooden office chair",
    "stainless steel storage tank 5 m3, PTFE lined",
    "heat exchanger, 0.5 m2, graphite",
    "centrifugal separator, continuous, 100 l/h, stainless steel",
    "fermenter, 100 litre capacity",
    "isostatic press",
    "réacteur émaillé 3000 litres",
    "triethanolamine 1 tonne",
    "domestic coffee machine 1.5 L",
    "valve DN 50 with bellows seal, Monel",
]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path, str]:
    """A headquarters home (a real eCFR excerpt and the starter corpus), its signing key and its bundle."""
    root = tmp_path_factory.mktemp("hq")
    settings = excerpt_home(root / "home", (*SMALL_CCL_CODES, "1C351"))
    key, public = keygen(settings, root / "editor.key")
    export(settings, root / "index.tar", key)
    return settings, root / "index.tar", public


def _post(home: Path, public: str) -> Settings:
    return Settings(home=home, trusted_keys=[public])


def _same(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "took_ms"}


def test_an_imported_bundle_answers_like_the_home_it_came_from(
    made: tuple[Settings, Path, str], tmp_path: Path
) -> None:
    source, bundle, public = made
    post = _post(tmp_path / "post", public)

    imported = import_bundle(post, bundle)

    assert {s.version_id for s in imported.sources} == {s.version_id for s in Registry(source.registry_path).sources()}
    assert check(post) == []
    here, there = Assistant(source), Assistant(post)
    for question in QUESTIONS:
        assert _same(answer_json(there.ask(question))) == _same(answer_json(here.ask(question))), question
    assert there.ask(QUESTIONS[6]).decision == "likely-controlled"


def _rewrite(bundle: Path, target: Path, change: dict[str, bytes]) -> Path:
    """A copy of the bundle with some members' bytes replaced (the manifest and signature kept unless named)."""
    with tarfile.open(bundle) as tar, tarfile.open(target, "w") as out:
        for info in tar:
            data = change.get(info.name) or tar.extractfile(info).read()
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def _manifest(bundle: Path) -> dict:
    with tarfile.open(bundle) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


@pytest.mark.parametrize("damage", ["member", "manifest", "unknown key", "cut", "not a bundle"])
def test_a_tampered_unknown_or_cut_bundle_is_refused_and_nothing_changes(
    made: tuple[Settings, Path, str], tmp_path: Path, damage: str
) -> None:
    _, bundle, public = made
    post = _post(tmp_path / "post", public)
    ensure_starter_corpus(post)
    before = (Registry(post.registry_path).live(), Registry(post.registry_path).sources())
    with tarfile.open(bundle) as tar:
        passages = tar.extractfile("snapshot/passages.jsonl").read()
    bad, reason = tmp_path / "bad.tar", ""
    if damage == "member":
        _rewrite(bundle, bad, {"snapshot/passages.jsonl": passages.replace(b"2B350", b"2B351", 1)})
        reason = "snapshot/passages.jsonl differs from its checksum"
    elif damage == "manifest":
        manifest = _manifest(bundle)
        manifest["sources"][0]["version_label"] = "2099-01"
        _rewrite(bundle, bad, {"manifest.json": json.dumps(manifest, indent=1).encode()})
        reason = "signature does not match"
    elif damage == "unknown key":
        bad = bundle
        post = _post(post.home, "00" * 32)
        reason = "unknown key"
    elif damage == "cut":
        data = bundle.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
        reason = "not a whole bundle"
    else:
        bad.write_bytes(b"<html>a captive portal page</html>")
        reason = "not a whole bundle"

    with pytest.raises(BundleRefused, match=reason):
        import_bundle(post, bad)

    assert (Registry(post.registry_path).live(), Registry(post.registry_path).sources()) == before
    assert check(post) == []


_IMPORT = """
import sys
from pathlib import Path
from tests.procs import die_on_call
from assistant.core.settings import Settings
from ingest.bundle import import_bundle
settings = Settings(home=Path(sys.argv[1]), trusted_keys=[sys.argv[3]])
die_on_call(sys.argv[4])
import_bundle(settings, Path(sys.argv[2]))
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("die_at", "switched"),
    [
        ("PassageStore.add", False),
        ("_write_snapshot", False),
        ("Registry.switch_all", False),
        ("PassageStore.delete_versions", True),
    ],
)
def test_an_import_killed_at_any_step_leaves_one_whole_index(
    made: tuple[Settings, Path, str], tmp_path: Path, die_at: str, switched: bool
) -> None:
    source, bundle, public = made
    post = _post(tmp_path / "post", public)
    ensure_starter_corpus(post)
    before = Registry(post.registry_path).sources()

    proc = subprocess.run([sys.executable, "-c", _IMPORT, str(post.home), str(bundle), public, die_at], cwd=ROOT)

    assert proc.returncode == -signal.SIGKILL, f"the import did not reach {die_at}"
    after = Registry(post.registry_path).sources()
    wanted = Registry(source.registry_path).sources() if switched else before
    assert {s.version_id for s in after} == {s.version_id for s in wanted}
    assert Assistant(post).ask("2B350.i").decision in (
        ("likely-controlled", "needs-facts") if switched else ("no-list",)
    )
    import_bundle(post, bundle)  # the next writer cleans up and switches
    assert check(post) == [] and {s.version_id for s in Registry(post.registry_path).sources()} == {
        s.version_id for s in Registry(source.registry_path).sources()
    }
