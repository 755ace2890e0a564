"""reply-rewriter: the server (serve) and a command-line client.

Every serve flag is also the env var REPLYREWRITER_<NAME>; flags win because
they are passed to Settings as init arguments, which rank above the
environment. The client subcommands run in this process (check, verify,
rules; rewrite with --model) or talk to a server given with --target; they
read text from arguments or stdin and print readable text or --json.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import logging
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from service.config import Settings

# Flags of `serve`: (flag, settings field, type, help). Everything else is env-only.
SERVE_FLAGS: list[tuple[str, str, Any, str]] = [
    ("--host", "host", str, "bind address (default 0.0.0.0)"),
    ("--port", "port", int, "gRPC port (default 50051)"),
    ("--metrics-port", "metrics_port", int, "Prometheus /metrics port (default 9464; -1 = off)"),
    ("--http-port", "http_port", int, "HTTP/JSON gateway and demo console port (default 0 = off)"),
    ("--model", "model", str, "litellm model string (default: the embedded SmolLM2-135M)"),
    ("--api-base", "api_base", str, "provider base URL"),
    ("--api-key", "api_key", str, "provider API key (prefer the env var)"),
    ("--fallback-models", "fallback_models", str, "comma-separated litellm model strings"),
    ("--auth-tokens-file", "auth_tokens_file", Path, "file of accepted bearer tokens, one per line"),
    ("--tls-cert", "tls_cert", Path, "server certificate (PEM)"),
    ("--tls-key", "tls_key", Path, "server private key (PEM)"),
    ("--tls-client-ca", "tls_client_ca", Path, "CA for client certificates (mutual TLS)"),
    ("--default-deadline", "default_deadline", float, "seconds, for callers that send no deadline"),
    ("--cache-size", "cache_size", int, "rewrite cache entries (0 = off)"),
    ("--log-level", "log_level", str, "DEBUG, INFO, WARNING or ERROR"),
]


def load_settings(args: argparse.Namespace) -> Settings:
    given = {field: getattr(args, field) for _, field, _, _ in SERVE_FLAGS if getattr(args, field) is not None}
    return Settings(**given)


def _client_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--target", default=None,
                        help="server address HOST:PORT (or REPLYREWRITER_TARGET); without it, run in this process")
    parent.add_argument("--token", default=None, help="bearer token (or REPLYREWRITER_TOKEN)")
    parent.add_argument("--timeout", type=float, default=30.0, help="deadline in seconds")
    parent.add_argument("--json", action="store_true", help="print the response as JSON")
    parent.add_argument("--language", default="", help="BCP-47 tag; default: detected")
    parent.add_argument("--context", action="append", default=[], metavar="ROLE:TEXT",
                        help="a conversation message, e.g. 'customer:Where is my order?' (repeatable)")
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reply-rewriter", description=__doc__.splitlines()[0],
        epilog="Exit codes: 0 done; 1 verify found the candidate dishonest or check --strict found a problem; "
               "2 an error.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the gRPC server")
    for flag, field, kind, help_text in SERVE_FLAGS:
        serve.add_argument(flag, dest=field, type=kind, default=None, help=help_text)

    client = _client_parent()
    rewrite = sub.add_parser("rewrite", parents=[client], help="rewrite a draft (text or stdin)")
    rewrite.add_argument("draft", nargs="?", help="the draft; '-' or nothing reads stdin")
    rewrite.add_argument("--customer-name", default="")
    rewrite.add_argument("--agent-name", default="")
    rewrite.add_argument("--brand-name", default="")
    rewrite.add_argument("--model", default=None,
                         help="litellm model string: run the pipeline in this process instead of on a server")
    check = sub.add_parser("check", parents=[client], help="list the rules a text breaks")
    check.add_argument("text", nargs="?", help="the text; '-' or nothing reads stdin")
    check.add_argument("--customer-name", default="")
    check.add_argument("--strict", action="store_true", help="exit 1 when the text breaks any rule")
    verify = sub.add_parser("verify", parents=[client], help="is CANDIDATE an honest rewrite of DRAFT?")
    verify.add_argument("draft")
    verify.add_argument("candidate")
    sub.add_parser("rules", parents=[client], help="list every rule")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        try:
            settings = load_settings(args)
        except ValidationError as exc:
            print(f"reply-rewriter: invalid configuration:\n{exc}", file=sys.stderr)
            return 2
        from service.logs import configure_logging
        from service.server import serve

        configure_logging(settings.log_level, settings.log_texts)
        code = asyncio.run(serve(settings))
        # The interpreter's own teardown after "stopped" (grpc's core, litellm's
        # modules, garbage collection) took 0.8 s, and more on a busy machine:
        # the process had to end within grace + 1 s. The exit hooks still run
        # (the embedded model is freed by one), the logs are flushed, then it ends.
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    from service.client import run_client

    return run_client(args)


if __name__ == "__main__":
    sys.exit(main())
