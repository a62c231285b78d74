"""Answer `initialize` before pygls and lsprotocol are imported: they take most of start-up.

The answer is the one the full server gave last time for this very code. After a full
`initialize`, the server stores its InitializeResult in the user's cache directory under a
fingerprint of the package's source files (path, size, modification time) and version. On the
next start with the same fingerprint, the first message is read from stdin before anything heavy
is imported and answered at once, with the position encoding negotiated as pygls does (the only
part of our result that depends on the client). The loaded server then handles that same
`initialize` for its own state, with its answer suppressed and compared with the early one: any
difference is logged and turns the early answer off for this code (`disabled` in the file).

Only the standard library is imported here. `DEEPSEEK_LSP_EARLY_INIT=0` turns it off.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from deepseek_lsp import __version__

log = logging.getLogger(__name__)

SUPPORTED_ENCODINGS = ("utf-8", "utf-16", "utf-32")  # pygls' _SUPPORTED_ENCODINGS
CACHE_FILE = "initialize.json"
MAX_HEADER_BYTES = 4096
CONTENT_TYPE = b"Content-Type: application/vscode-jsonrpc; charset=utf-8"  # as pygls sends it


@dataclass(frozen=True)
class EarlyStart:
    """The bytes read before the server existed (one message), and the answer sent, if any."""

    raw: bytes
    answered_id: int | str | None = None
    answered: Mapping[str, Any] | None = None


def enabled(env: Mapping[str, str]) -> bool:
    """Off with DEEPSEEK_LSP_EARLY_INIT=0."""
    return env.get("DEEPSEEK_LSP_EARLY_INIT", "1") != "0"


def fingerprint() -> str:
    """A digest of the version and of the path, size and time of every file that shapes it.

    Those are the package's own sources and the pygls and lsprotocol modules that build it.
    """
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for module in ("pygls.capabilities", "pygls.protocol.language_server", "lsprotocol.types"):
        spec = importlib.util.find_spec(module.split(".")[0])
        folder = Path(spec.origin).parent if spec and spec.origin else None
        path = folder / (module.split(".", 1)[1].replace(".", "/") + ".py") if folder else None
        stat_ = os.stat(path) if path is not None and path.exists() else None
        digest.update(
            f"{module}\0{stat_ and stat_.st_size}\0{stat_ and stat_.st_mtime_ns}\n".encode()
        )
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(f for f in files if f.endswith(".py")):
            stat = os.stat(os.path.join(folder, name))
            rel = os.path.relpath(os.path.join(folder, name), root)
            digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def cache_path(env: Mapping[str, str]) -> Path:
    """$XDG_CACHE_HOME/deepseek-lsp/initialize.json (~/.cache by default)."""
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "deepseek-lsp" / CACHE_FILE


def load(env: Mapping[str, str], print_: str | None = None) -> Mapping[str, Any] | None:
    """The stored InitializeResult for this code, unless missing, stale or disabled."""
    try:
        data = json.loads(cache_path(env).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != (print_ or fingerprint()):
        return None
    result = data.get("result")
    return result if isinstance(result, dict) and not data.get("disabled") else None


def store(env: Mapping[str, str], result: Mapping[str, Any], *, disabled: bool = False) -> None:
    """Keep `result` for the next start (atomically; a failure only costs that speed-up)."""
    path = cache_path(env)
    payload = {"fingerprint": fingerprint(), "result": result, "disabled": disabled}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(payload, sort_keys=True), encoding="utf-8")
        os.replace(temp, path)
    except OSError as exc:
        log.info("cannot store the initialize answer in %s: %s", path, exc)


def negotiate_encoding(capabilities: Any) -> str | None:
    """The encoding pygls picks: the client's first supported one, else utf-16; None if unsure."""
    if not isinstance(capabilities, dict):
        return None
    general = capabilities.get("general")
    if general is None:
        return "utf-16"
    encodings = general.get("positionEncodings") if isinstance(general, dict) else []
    if encodings is None:
        return "utf-16"
    if not isinstance(encodings, list) or not all(isinstance(e, str) for e in encodings):
        return None  # pygls would reject these params: let it answer
    return next((e for e in encodings if e in SUPPORTED_ENCODINGS), "utf-16")


def result_for(template: Mapping[str, Any], message: Any) -> Mapping[str, Any] | None:
    """The early answer to `message` if it is an `initialize` request we can answer, else None."""
    if not isinstance(message, dict) or message.get("method") != "initialize":
        return None
    params = message.get("params")
    if message.get("jsonrpc") != "2.0" or not isinstance(message.get("id"), (int, str)):
        return None
    if not isinstance(params, dict) or not isinstance(params.get("processId"), (int, type(None))):
        return None
    encoding = negotiate_encoding(params.get("capabilities"))
    capabilities = template.get("capabilities")
    if encoding is None or not isinstance(capabilities, dict):
        return None
    return {**template, "capabilities": {**capabilities, "positionEncoding": encoding}}


def read_message(fd: int) -> tuple[bytes, bytes | None]:
    """The bytes of one LSP message from `fd`, read without reading past it, and its body.

    The body is None at EOF or when the header is not one; the bytes are all that was read.
    """
    header = b""
    while not header.endswith(b"\r\n\r\n"):
        byte = os.read(fd, 1)
        if not byte or len(header) > MAX_HEADER_BYTES:
            return header + byte, None
        header += byte
    length = None
    for line in header.decode("ascii", "replace").split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length" and value.strip().isdigit():
            length = int(value.strip())
    if length is None:
        return header, None
    body = b""
    while len(body) < length:
        chunk = os.read(fd, length - len(body))
        if not chunk:
            return header + body, None
        body += chunk
    return header + body, body


def answer_early(fd: int, out: BinaryIO, env: Mapping[str, str]) -> EarlyStart | None:
    """With a stored answer for this code: read the first message and answer it if `initialize`.

    Returns what was read (to be handled by the server once loaded), or None when nothing was
    read (no stored answer, or turned off).
    """
    template = load(env) if enabled(env) else None
    if template is None or stat.S_ISREG(os.fstat(fd).st_mode):
        return None  # a regular file on stdin is read by pygls' own reader: leave it whole
    raw, body = read_message(fd)
    try:
        message = json.loads(body) if body is not None else None
    except ValueError:
        message = None
    result = result_for(template, message) if message is not None else None
    if result is None:
        return EarlyStart(raw)
    reply = json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}).encode()
    out.write(b"Content-Length: %d\r\n%s\r\n\r\n%s" % (len(reply), CONTENT_TYPE, reply))
    out.flush()
    return EarlyStart(raw, message["id"], result)
