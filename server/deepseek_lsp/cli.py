"""The `deepseek-lsp` command: the language server, `complete`, and `doctor`.

Usage errors exit 2, API failures exit 1, each with one sentence on stderr and no traceback.
In stdio mode stdout belongs to the protocol from the first line of start-up.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import BinaryIO

from deepseek_lsp import __version__


def _protect_stdout() -> BinaryIO:
    """Keep a private handle on fd 1 for the protocol; send fd 1 and sys.stdout to stderr.

    A stray print() from any library then lands on stderr instead of corrupting the stream.
    """
    protocol_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return protocol_out


def _setup_logging(level: str, log_file: str | None) -> None:
    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8")
        if log_file
        else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper(), logging.WARNING))
    logging.getLogger("deepseek_lsp").setLevel(getattr(logging, level.upper(), logging.WARNING))
    logging.getLogger("deepseek_lsp.prompts").setLevel(logging.INFO)  # emitted only if logPrompts
    # pygls at INFO logs every message and slows the server down by a fifth.
    logging.getLogger("pygls").setLevel(max(logging.WARNING, root.level))
    for noisy in ("httpx", "httpcore", "hpack"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deepseek-lsp",
        description="DeepSeek language server: completion, code actions and chat for any editor.",
    )
    parser.add_argument("--version", action="version", version=f"deepseek-lsp {__version__}")
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="LSP over stdin/stdout (default)")
    transport.add_argument("--tcp", action="store_true", help="LSP over TCP")
    parser.add_argument("--host", default="127.0.0.1", help="TCP host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="use the built-in fake DeepSeek server (canned suggestions)",
    )
    parser.add_argument("--log-file", help="write logs here instead of stderr")
    parser.add_argument(
        "--log-level", default="warning", help="debug, info, warning (default), error"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    complete = sub.add_parser("complete", help="run the completion pipeline once for FILE:LINE:COL")
    complete.add_argument(
        "target", metavar="FILE:LINE:COL", help="1-based line and column (characters)"
    )
    complete.add_argument(
        "--show-prompt", action="store_true", help="also print what would be sent"
    )
    complete.add_argument(
        "--offline", action="store_true", dest="offline_sub", help=argparse.SUPPRESS
    )
    doctor = sub.add_parser(
        "doctor", help="check the key, the base URL, the models and the balance"
    )
    doctor.add_argument(
        "--offline", action="store_true", dest="offline_sub", help=argparse.SUPPRESS
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and of `python -m deepseek_lsp`."""
    args = _parser().parse_args(argv)
    _setup_logging(args.log_level, args.log_file)
    if args.command == "complete":
        from deepseek_lsp.commands.complete import run_complete

        return _interruptible(
            lambda: run_complete(
                args.target, show_prompt=args.show_prompt, offline=args.offline or args.offline_sub
            )
        )
    if args.command == "doctor":
        from deepseek_lsp.commands.doctor import run_doctor

        return _interruptible(lambda: run_doctor(offline=args.offline or args.offline_sub))
    return _serve(args)


def _interruptible(run: Callable[[], int]) -> int:
    """Ctrl-C ends a one-shot command with a sentence, not a traceback (and closes streams)."""
    try:
        return run()
    except KeyboardInterrupt:
        from deepseek_lsp.console import err

        err("deepseek-lsp: interrupted.")
        return 130


def _serve(args: argparse.Namespace) -> int:
    protocol_out = None if args.tcp else _protect_stdout()
    early = None
    if protocol_out is not None:  # answer initialize before loading pygls (early_init)
        from deepseek_lsp.lsp.early_init import answer_early

        early = answer_early(sys.stdin.fileno(), protocol_out, os.environ)
    from deepseek_lsp.commands.offline import offline_api
    from deepseek_lsp.lsp.app import create_server

    log = logging.getLogger(__name__)
    if early is not None and early.answered is not None:
        log.info("initialize answered early, before the server was loaded")
    with offline_api(args.offline) as forced:
        if forced:
            log.warning(
                "offline mode: suggestions come from the built-in fake DeepSeek server at %s",
                forced["baseUrl"],
            )
        server = create_server(dict(os.environ), forced)
        log.info("deepseek-lsp %s starting (%s)", __version__, "tcp" if args.tcp else "stdio")
        if args.tcp:
            server.start_tcp(args.host, args.port)
        else:
            assert protocol_out is not None
            server.start_io(sys.stdin.buffer, protocol_out, early)
            return server.exit_code
    return 0
