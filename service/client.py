"""The command-line client: text in, readable text or JSON out.

With ``--target HOST:PORT`` (or ``REPLYREWRITER_TARGET``) it talks to a
server. Without one, ``check``, ``verify`` and ``rules`` run in this process
with the same rulebook and guard (``service/local.py``); ``rewrite`` needs a
server or ``--model`` to run the pipeline here.

On a terminal, ``rewrite`` also shows the draft with the rewrite's edits
inline: ``[-removed-]{+added+}`` (red struck through and green unless
NO_COLOR is set) and the rules behind each change; piped, it prints plain
text as before.

Exit codes: 0 done; 1 ``verify`` found the candidate dishonest, or
``check --strict`` found a problem; 2 an error (bad arguments, the server's or
the service's error status).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import grpc
from google.protobuf.json_format import MessageToDict

from service.local import LocalAbort
from service.pb import pb2, pb2_grpc

_ROLES = {"customer": pb2.ROLE_CUSTOMER, "agent": pb2.ROLE_AGENT}


def _conversation(items: list[str]) -> list[pb2.Message]:
    out = []
    for item in items:
        role, sep, text = item.partition(":")
        if not sep or role.strip().lower() not in _ROLES:
            raise SystemExit(f"--context must be 'customer:TEXT' or 'agent:TEXT', got {item!r}")
        out.append(pb2.Message(role=_ROLES[role.strip().lower()], text=text.strip()))
    return out


def _text(value: str | None) -> str:
    return sys.stdin.read() if value in (None, "-") else value


def _print_violations(violations: list[pb2.Violation]) -> None:
    for v in violations:
        hint = f" -> {v.suggestion!r}" if v.suggestion else ""
        print(f"  [{v.severity}] {v.rule_id} at {v.span.start}-{v.span.end} {v.excerpt!r}{hint}: {v.message}")


_METHODS = {"rewrite": "Rewrite", "check": "Check", "verify": "Verify", "rules": "ListRules"}


def run_client(args: argparse.Namespace) -> int:
    target = args.target or os.environ.get("REPLYREWRITER_TARGET")
    try:
        request = _request(args)
        if target:
            response = _remote(target, args, request)
        elif args.command == "rewrite" and not getattr(args, "model", None):
            print("reply-rewriter: rewrite needs a server (--target HOST:PORT or REPLYREWRITER_TARGET) "
                  "or --model MODEL to run the pipeline in this process", file=sys.stderr)
            return 2
        else:
            response = _local(args, request)
    except SystemExit as exc:
        print(f"reply-rewriter: {exc}", file=sys.stderr)
        return 2
    except (grpc.RpcError, LocalAbort) as exc:
        code, details = (exc.code, exc.details) if isinstance(exc, LocalAbort) else (exc.code(), exc.details())
        print(f"reply-rewriter: {code.name}: {details}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(MessageToDict(response, preserving_proto_field_name=True,
                                       always_print_fields_with_no_presence=True), ensure_ascii=False, indent=2))
    else:
        _print_readable(args.command, response, request)
    if args.command == "verify" and not response.honest:  # type: ignore[attr-defined]
        return 1
    if args.command == "check" and args.strict and response.violations:  # type: ignore[attr-defined]
        return 1
    return 0


def _remote(target: str, args: argparse.Namespace, request: object) -> object:
    token = args.token or os.environ.get("REPLYREWRITER_TOKEN")
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    with grpc.insecure_channel(target) as channel:
        stub = pb2_grpc.ReplyRewriterStub(channel)
        return getattr(stub, _METHODS[args.command])(request, timeout=args.timeout, metadata=metadata)


def _local(args: argparse.Namespace, request: object) -> object:
    from service.config import Settings
    from service.local import call_in_process

    fields = {"model": args.model} if getattr(args, "model", None) else {}
    settings = Settings(metrics_port=-1, **fields)
    return call_in_process(_METHODS[args.command], request, settings, args.timeout)


def _request(args: argparse.Namespace) -> object:
    conversation = _conversation(args.context)
    if args.command == "rewrite":
        return pb2.RewriteRequest(draft=_text(args.draft), conversation=conversation,
                                  customer_name=args.customer_name, agent_name=args.agent_name,
                                  brand_name=args.brand_name, language=args.language)
    if args.command == "check":
        return pb2.CheckRequest(text=_text(args.text), conversation=conversation,
                                customer_name=args.customer_name, language=args.language)
    if args.command == "verify":
        return pb2.VerifyRequest(draft=args.draft, candidate=args.candidate, conversation=conversation,
                                 language=args.language)
    return pb2.ListRulesRequest()


_DELETED, _INSERTED, _RULES, _RESET = "\x1b[9;31m", "\x1b[32m", "\x1b[2;36m", "\x1b[0m"


def inline_diff(draft: str, edits: list[pb2.Edit], color: bool) -> str:
    """The draft with each edit shown where it applies: ``[-removed-]{+added+}``
    then its rules in brackets; ANSI colour on top of the marks, so the diff
    still reads where colour doesn't show (or NO_COLOR is set)."""
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    out = []
    pos = 0
    for e in edits:
        out.append(draft[pos:e.span.start])
        removed = draft[e.span.start:e.span.end]
        if removed:
            out.append(paint(_DELETED, f"[-{removed}-]"))
        if e.text:
            out.append(paint(_INSERTED, f"{{+{e.text}+}}"))
        if e.rule_ids:
            out.append(paint(_RULES, f"[{', '.join(e.rule_ids)}]"))
        pos = e.span.end
    out.append(draft[pos:])
    return "".join(out)


def _print_readable(command: str, response: object, request: object = None) -> None:
    if command == "rewrite":
        r: pb2.RewriteResponse = response  # type: ignore[assignment]
        print(r.rewrite)
        if sys.stdout.isatty() and r.edits and isinstance(request, pb2.RewriteRequest):
            print(f"\nchanges:\n{inline_diff(request.draft, list(r.edits), color=not os.environ.get('NO_COLOR'))}")
        print(f"\n(language {r.language}; backend {r.backend.model}"
              + (f", fallback: {r.backend.reason}" if r.backend.fallback_used else "") + ")")
        applied: dict[str, list[str]] = {}
        for c in r.citations:
            applied.setdefault(c.rule_id, [])
            if c.excerpt:
                applied[c.rule_id].append(repr(c.excerpt))
        for rule_id, excerpts in applied.items():
            citation = next(c for c in r.citations if c.rule_id == rule_id)
            where = f" ({', '.join(excerpts)})" if excerpts else ""
            print(f"  applied {rule_id}{where}: {citation.title} [{citation.source}]")
        if r.remaining:
            print("still breaks:")
            _print_violations(list(r.remaining))
    elif command == "check":
        checked: pb2.CheckResponse = response  # type: ignore[assignment]
        print(f"language {checked.language}: {len(checked.violations)} problem(s)")
        _print_violations(list(checked.violations))
    elif command == "verify":
        v: pb2.VerifyResponse = response  # type: ignore[assignment]
        print("honest" if v.honest else "NOT honest")
        for f in v.findings:
            print(f"  {pb2.Finding.Kind.Name(f.kind)}: {f.detail}")
    else:
        for rule in response.rules:  # type: ignore[attr-defined]
            print(f"{rule.id:22} {rule.severity:10} {rule.title}  [{'; '.join(rule.sources)}]")
