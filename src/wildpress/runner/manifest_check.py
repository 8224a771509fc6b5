"""The manifest is untrusted input: what a build reads back from ``.wildpress-manifest.json``.

A project may ship its own output folder, manifest included, so every entry is checked before
it is used: output names must be plain file names wildpress could have written (no folders,
no '..', no hidden files), digests and keys 64 hex digits, sizes whole numbers, texts text.
An entry that fails is dropped — the output is rebuilt, never deleted. Checked species data
(which lets a build skip validation) is used only when sealed with this user's own key
(an HMAC, :func:`seal`), so a shipped manifest cannot slip unchecked data past validation.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

HEX64 = re.compile(r"^[0-9a-f]{64}$")
OUTPUT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,149}\.(?:pdf|png)$")  # a PNG is a page of a PDF (``of``)
MAX_TEXT = 4000
MAX_LIST = 10000


def _text(value, limit: int = MAX_TEXT) -> bool:
    return isinstance(value, str) and len(value) <= limit


def _texts(value) -> bool:
    return isinstance(value, list) and len(value) <= MAX_LIST and all(_text(v) for v in value)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def output_entry_ok(name, entry) -> bool:
    """True when ``name`` -> ``entry`` is an output record wildpress could have written."""
    if not (isinstance(name, str) and OUTPUT_NAME.match(name) and ".." not in name and isinstance(entry, dict)):
        return False
    return (isinstance(entry.get("key"), str) and bool(HEX64.match(entry["key"]))
            and isinstance(entry.get("sha256"), str) and bool(HEX64.match(entry["sha256"]))
            and _whole(entry.get("size")) and _text(entry.get("job", ""), 500)
            and _texts(entry.get("sources", [])) and _texts(entry.get("warnings", []))
            and _text(entry.get("lang", "en"), 40) and _text(entry.get("layout", ""), 100)
            and (name.endswith(".pdf") if "of" not in entry else
                 isinstance(entry["of"], str) and entry["of"].endswith(".pdf") and bool(OUTPUT_NAME.match(entry["of"]))))


def check_outputs(outputs) -> tuple[dict, list]:
    """(the output entries that pass, the names dropped)."""
    if not isinstance(outputs, dict):
        return {}, ([] if outputs is None else ["outputs"])
    kept, dropped = {}, []
    for name, entry in list(outputs.items())[:100000]:
        if output_entry_ok(name, entry):
            kept[name] = entry
        else:
            dropped.append(name)
    return kept, dropped


def check_files(files) -> tuple[dict, int]:
    """(the file-hash cache entries that pass: absolute path -> [size, mtime_ns, inode, sha256], count dropped)."""
    if not isinstance(files, dict):
        return {}, 0
    kept, dropped = {}, 0
    for path, value in list(files.items())[:200000]:
        if (isinstance(path, str) and os.path.isabs(path) and isinstance(value, list) and len(value) == 4
                and all(_whole(v) for v in value[:3]) and isinstance(value[3], str) and HEX64.match(value[3])):
            kept[path] = value
        else:
            dropped += 1
    return kept, dropped


_KEYS: dict[str, bytes] = {}


def _key() -> bytes | None:
    """This user's manifest key (made on first use, in wildpress's cache folder), or None.

    Two processes making it at once (a build and its worker, two builds) both end with the
    one that was written; a failure is not remembered, so the next call tries again."""
    from ..resources import cache_dir

    path = Path(cache_dir()) / "manifest.key"
    if str(path) in _KEYS:
        return _KEYS[str(path)]
    try:
        data = _read_key(path)
        if len(data) < 32:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # made meanwhile by another process: use that one
                data = _read_key(path)
            else:
                data = secrets.token_hex(32).encode()
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
        if len(data) < 32:
            return None
    except OSError:
        return None
    _KEYS[str(path)] = data[:64]
    return data[:64]


def _read_key(path: Path) -> bytes:
    """The key file's bytes through the confined reader (a regular file of at most 1 KiB, never a
    link), or b"" when there is none yet."""
    from ..safety.confine import Refused, read_regular

    if path.is_symlink() or not path.exists():
        return b""
    try:
        return read_regular(path, 1024)
    except Refused:
        return b""


def mac_of(text: str) -> str | None:
    """This user's HMAC of ``text`` (None where no key could be made: nothing is trusted then)."""
    key = _key()
    return hmac.new(key, text.encode("utf-8", "backslashreplace"), hashlib.sha256).hexdigest() if key else None


def _mac(path: str, entry: dict, project: str | None) -> str | None:
    import json

    body = json.dumps([path, project, {k: v for k, v in entry.items() if k != "mac"}], sort_keys=True,
                      ensure_ascii=False, default=str)
    return mac_of(body)


def seal(path: str, entry: dict, project: str | None) -> dict:
    """``entry`` with this user's seal (see the module)."""
    mac = _mac(path, entry, project)
    return {**entry, "mac": mac} if mac else {k: v for k, v in entry.items() if k != "mac"}


def check_species(species, project: str | None) -> dict:
    """The species cache entries sealed with this user's key (the others are checked anew)."""
    if not isinstance(species, dict):
        return {}
    kept = {}
    for path, entry in list(species.items())[:100000]:
        if not (isinstance(path, str) and isinstance(entry, dict) and isinstance(entry.get("mac"), str)):
            continue
        expected = _mac(path, entry, project)
        if expected and hmac.compare_digest(expected, entry["mac"]):
            kept[path] = {k: v for k, v in entry.items() if k != "mac"}
    return kept
