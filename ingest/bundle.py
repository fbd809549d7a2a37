"""Carry a prepared index to an offline post: one signed bundle out, verified and switched to atomically in.

Headquarters embeds the lists once; a post with a weak machine imports the result. A bundle is a tar file:
`manifest.json` (format, signer's public key, registry rows, the SHA-256 of every other member),
`manifest.sig` (Ed25519 over the manifest's bytes), the live snapshot's files, each version's vectors and
ids, and the kept source copies. Import refuses a bundle whose signer is not trusted (`STCE_TRUSTED_KEYS`),
whose signature or any member's checksum fails, or that is cut or unreadable, before it writes anything.
It then switches like an ingest: under the writer lock, new versions' vectors added as pending, the snapshot
written and fsynced beside the old one, one registry transaction, old versions retired; a kill at any step
leaves the old index live, and the next writer removes what was left.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import tarfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from assistant.core.errors import BundleRefused, IndexDamaged, StceError
from assistant.core.private import private_files
from assistant.core.settings import Settings
from assistant.core.types import Passage, SourceDocument
from assistant.storage.integrity import kept_path, live_snapshot
from assistant.storage.registry import Registry
from assistant.storage.snapshot import damage, file_checksum
from assistant.storage.store import PassageStore, make_client
from ingest.pipeline import Ingester, keep_copy

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
KEY_FILE = "signing.key"
_PASSAGES = "snapshot/passages.jsonl"


@dataclass(frozen=True)
class Imported:
    """What an import switched to: the bundle's sources and generation, and who signed it."""

    sources: list[SourceDocument]
    generation: int
    signer: str
    vectors_added: int


def key_path(settings: Settings) -> Path:
    return settings.signing_key or settings.home / KEY_FILE


def keygen(settings: Settings, path: Path | None = None) -> tuple[Path, str]:
    """Write a new Ed25519 private key (mode 600, never over an existing one); (its path, public key in hex)."""
    path = path or key_path(settings)
    if path.exists():
        raise StceError(f"{path}: a key is already there; give another path or remove it knowingly")
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return path, public_hex(key.public_key())


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def _private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise StceError(f"{path}: no signing key; make one with `stce index keygen`") from None
    except ValueError as error:
        raise StceError(f"{path}: not a private key ({error})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise StceError(f"{path}: not an Ed25519 key")
    return key


def export(settings: Settings, target: Path, key_file: Path | None = None) -> dict[str, object]:
    """Write the live index as one signed bundle at `target` (via a temporary file); its manifest."""
    key = _private_key(key_file or key_path(settings))
    registry = Registry(settings.registry_path, read_only=True)
    generation, name, checksum = registry.live()
    if not generation:
        raise StceError(f"{settings.home}: the index is empty; there is nothing to export")
    snapshot = live_snapshot(settings, registry, name, checksum)
    sources = registry.sources()
    members: dict[str, bytes] = {}
    for file in sorted(f for f in snapshot.directory.rglob("*") if f.is_file()):
        members[f"snapshot/{file.relative_to(snapshot.directory).as_posix()}"] = file.read_bytes()
    store = PassageStore(make_client(settings, read_only=True), settings.collection, settings.embed_batch_size)
    try:
        for source in sources:
            by_id = store.vectors_by_id(source.version_id)
            ids = [p.id for p in snapshot.passages if p.version_id == source.version_id]
            missing = [i for i in ids if i not in by_id]
            if missing:
                raise IndexDamaged(settings.chroma_dir, f"{len(missing)} passages of {source.name} have no vector")
            buffer = io.BytesIO()
            np.save(buffer, np.stack([by_id[i] for i in ids]) if ids else np.zeros((0, 0), np.float32))
            members[f"vectors/{source.version_id}.npy"] = buffer.getvalue()
            members[f"vectors/{source.version_id}.ids.json"] = json.dumps(ids).encode()
            kept = kept_path(settings, source)
            if not kept.is_file():
                raise IndexDamaged(kept, f"the kept copy of {source.name} is missing: run `stce index check`")
            members[f"sources/{kept.name}"] = kept.read_bytes()
    finally:
        store.client.close()
    manifest = {
        "format": FORMAT,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "signer": public_hex(key.public_key()),
        "snapshot_checksum": checksum,
        "sources": [asdict(s) for s in sources],
        "warnings": registry.warnings(),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }
    body = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
    tmp = target.with_name(target.name + ".tmp")
    with tarfile.open(tmp, "w") as tar:
        for name, data in [(MANIFEST, body), (SIGNATURE, key.sign(body)), *members.items()]:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    with tmp.open("rb") as written:
        os.fsync(written.fileno())
    tmp.replace(target)
    return manifest


def verify(settings: Settings, path: Path) -> tuple[dict, dict[str, bytes]]:
    """The bundle's manifest and members, read whole and checked: trusted signer, signature, every checksum,
    nothing missing or added; BundleRefused naming the reason otherwise."""
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:") as tar:
            for info in tar:
                if not info.isfile() or info.name in members:
                    raise BundleRefused(path, f"an unexpected member {info.name!r}")
                reader = tar.extractfile(info)
                members[info.name] = reader.read() if reader else b""
    except FileNotFoundError:
        raise BundleRefused(path, "no such file") from None
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BundleRefused(path, f"damaged or cut off: not a whole bundle ({error})") from None
    if MANIFEST not in members or SIGNATURE not in members:
        raise BundleRefused(path, "no signed manifest: not an index bundle")
    body = members.pop(MANIFEST)
    signature = members.pop(SIGNATURE)
    try:
        manifest = json.loads(body)
        signer = str(manifest["signer"])
    except (ValueError, KeyError, TypeError):
        raise BundleRefused(path, "the manifest cannot be read") from None
    trusted = {k.strip().lower() for k in settings.trusted_keys}
    if signer.lower() not in trusted:
        raise BundleRefused(
            path, f"signed by an unknown key {signer[:16]}...: only keys in STCE_TRUSTED_KEYS are accepted"
        )
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(signer)).verify(signature, body)
    except (InvalidSignature, ValueError):
        raise BundleRefused(path, "the signature does not match the manifest: the bundle was changed") from None
    if manifest.get("format") != FORMAT:
        raise BundleRefused(path, f"bundle format {manifest.get('format')!r}; this version reads {FORMAT}")
    files: dict[str, str] = manifest["files"]
    if set(files) != set(members):
        extra, lost = sorted(set(members) - set(files)), sorted(set(files) - set(members))
        raise BundleRefused(path, f"members differ from the manifest (missing {lost[:3]}, extra {extra[:3]})")
    for name, expected in files.items():
        if hashlib.sha256(members[name]).hexdigest() != expected:
            raise BundleRefused(path, f"{name} differs from its checksum in the manifest (damaged)")
    return manifest, members


def import_bundle(settings: Settings, path: Path) -> Imported:
    """Verify the bundle, then switch the index to it with an ingest's guarantees (see the module's docstring)."""
    manifest, members = verify(settings, path)
    sources = [SourceDocument(**row) for row in manifest["sources"]]
    passages = [Passage(**json.loads(line)) for line in members[_PASSAGES].decode("utf-8").splitlines()]
    added = 0
    with Ingester(settings, holder="stce index import") as ingester, ingester.locked():
        ingester.recover()
        registry = ingester.registry
        live = {s.version_id for s in registry.sources()}
        for source in sources:
            keep_copy(kept_path(settings, source), members[f"sources/{kept_path(settings, source).name}"])
        for source in sources:
            if source.version_id in live:
                continue  # the same version (same content, labels, kind): its vectors are already here
            ids = json.loads(members[f"vectors/{source.version_id}.ids.json"])
            vectors = np.load(io.BytesIO(members[f"vectors/{source.version_id}.npy"]))
            mine = {p.id: p for p in passages if p.version_id == source.version_id}
            registry.add_pending(source.version_id)  # recover() above removed any vectors a killed import left
            ingester.store.add([mine[i] for i in ids], list(vectors))
            added += len(ids)
        generation = registry.generation() + 1
        directory = settings.snapshots_dir / f"g{generation:08d}"
        _write_snapshot(directory, {n[len("snapshot/") :]: d for n, d in members.items() if n.startswith("snapshot/")})
        checksum = file_checksum(directory / MANIFEST)
        if checksum != manifest["snapshot_checksum"] or damage(directory, checksum):
            shutil.rmtree(directory, ignore_errors=True)
            raise BundleRefused(path, "its snapshot does not verify once written")
        old = registry.switch_all(sources, manifest.get("warnings", {}), directory.name, generation, checksum)
        ingester.store.delete_versions(old)
        registry.clear_pending(old)
        ingester.recover()  # prunes the snapshots no reader needs any more
    return Imported(sources, generation, manifest["signer"], added)


def _write_snapshot(directory: Path, files: dict[str, bytes]) -> None:
    """Write a snapshot's files into a fresh directory durably, then rename it into place (never half there)."""
    tmp = directory.with_name(directory.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    with private_files():
        tmp.mkdir(parents=True)
        for name, data in files.items():
            parts = Path(name).parts
            if Path(name).is_absolute() or ".." in parts or any(part.startswith(".") for part in parts):
                raise StceError(f"{name}: not a snapshot file name")
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            with (tmp / name).open("wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        for folder in [*sorted({(tmp / n).parent for n in files}, reverse=True), tmp.parent]:
            _fsync_dir(folder)
        tmp.rename(directory)
        _fsync_dir(directory.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
