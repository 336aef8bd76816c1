"""`amct-lsp serve | check | explain`: argument parsing only; each command lives in its own module."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from amct_lsp import __version__
from amct_lsp.codecache import cached_compiles

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


_VERSION_HELP = (
    "the AMCT version whose rewrite rules to use (e.g. 7.0, 8.0.RC3); default: the amct_tensorflow "
    "installed with this Python, else the newest documented"
)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return number


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, without importing shutil (and zlib, bz2 and lzma with it)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, minus its `import shutil`: argparse builds one on every `add_argument` call (to
    check the metavar), so the stock one costs every start, help or not, a few milliseconds of imports."""

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ):
        super().__init__(
            prog, indent_increment, max_help_position, _terminal_columns() - 2 if width is None else width
        )


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser with `_HelpFormatter`; `add_subparsers` makes every subcommand parser one too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="amct-lsp",
        description="Find output names that AMCT's quantize_model rewrite makes stale in scripts.",
    )
    parser.add_argument("--version", action="version", version=f"amct-lsp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    serve.add_argument(
        "--tcp",
        metavar="[HOST:]PORT",
        help="listen on a TCP address instead of stdio (127.0.0.1 unless HOST is given; no authentication)",
    )
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow --tcp to listen on a non-loopback HOST (anyone who can connect can use the server)",
    )
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])

    check = sub.add_parser("check", help="check scripts and report stale output names")
    check.add_argument(
        "paths", nargs="+", metavar="PATH", help="scripts, Jupyter notebooks (.ipynb) or folders to check"
    )
    check.add_argument("--format", choices=["text", "json", "github", "sarif"], default="text")
    check.add_argument("--model", metavar="PATH", help="the frozen graph to use for every script")
    check.add_argument("--log", metavar="PATH", help="an AMCT log to use instead of the one next to a script")
    check.add_argument("--root", metavar="DIR", help="workspace root: the top of the model and log search")
    check.add_argument("--fix", action="store_true", help="apply the primary fixes in place")
    check.add_argument("--skip-layers", metavar="A,B", default="", help="layers to treat as not quantized")
    check.add_argument("--amct-version", metavar="X.Y", help=_VERSION_HELP)
    check.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        metavar="N",
        help="check files in N worker processes (default: every core; 1: in this process); same output",
    )

    explain = sub.add_parser("explain", help="print each tail of a model and its predicted rename chain")
    explain.add_argument("model", metavar="MODEL", help="frozen GraphDef (.pb or .pbtxt)")
    explain.add_argument("--config", metavar="FILE", help="AMCT config.json or .cfg with skip settings")
    explain.add_argument("--skip-layers", metavar="A,B", default="", help="layer (op) names not to quantize")
    explain.add_argument("--skip-layer-types", metavar="T,U", default="", help="op types not to quantize")
    explain.add_argument(
        "--format",
        choices=["text", "json", "html"],
        default="text",
        help="html: one self-contained page with a picture of each tail's rewrite (inline SVG, no links)",
    )
    explain.add_argument("--amct-version", metavar="X.Y", help=_VERSION_HELP)
    return parser


#: What each command needs before it can do anything; imported up front with the cyclic GC paused.
_PRELOAD = {
    "explain": ("amct_lsp.explain_cmd",),
    "check": ("amct_lsp.check_cmd", "amct_lsp.check.checker", "amct_lsp.check_jobs"),
    # The server checks the first document it opens: load the engine (libcst) now, not on that keystroke; and
    # the feature modules `create_server` installs, so that their classes come from the code cache too.
    "serve": ("amct_lsp.lsp.server", "amct_lsp.lsp.features", "amct_lsp.check.checker", "amct_lsp.project"),
}


def preload(command: str) -> None:
    """Import `command`'s modules with the cyclic GC paused, then freeze what they built.

    Module bodies (libcst's ~250 node dataclasses, lsprotocol's attrs classes) allocate objects that live as
    long as the process; collecting while they are built only costs start-up time (about a tenth of it).
    """
    gc.disable()
    try:
        for module in _PRELOAD.get(command, ()):
            importlib.import_module(module)
    finally:
        gc.freeze()
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command = args.command or "serve"
    try:
        # The code that dataclasses, attrs and cattrs generate comes from the start-up code cache
        # (`amct_lsp.codecache`): compiling it is a third of the CLI's start-up and nearly half the server's.
        with cached_compiles(command) as code_cache:
            if command == "explain":
                preload("explain")
                from amct_lsp.explain_cmd import run_explain

                return run_explain(args)
            if command == "check":
                preload("check")
                from amct_lsp.check_cmd import run_check

                return run_check(args)
            if command == "serve":
                preload("serve")
                code_cache.flush()  # the server runs until killed, maybe: keep what start-up compiled now
                from amct_lsp.lsp.server import run_server

                return run_server(args)
    except KeyboardInterrupt:
        return EXIT_ERROR
    parser.print_usage(sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
