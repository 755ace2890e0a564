"""The command-line client: text in, readable text or JSON out.

Kept apart from the server code so a script that only calls the service
doesn't import litellm or the rulebook.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import grpc
from google.protobuf.json_format import MessageToDict

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


def run_client(args: argparse.Namespace) -> int:
    token = args.token or os.environ.get("REPLYREWRITER_TOKEN")
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    with grpc.insecure_channel(args.target) as channel:
        stub = pb2_grpc.ReplyRewriterStub(channel)
        try:
            response = _call(stub, args, metadata)
        except grpc.RpcError as exc:
            print(f"reply-rewriter: {exc.code().name}: {exc.details()}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(MessageToDict(response, preserving_proto_field_name=True), ensure_ascii=False, indent=2))
        return 0
    _print_readable(args.command, response)
    return 0


def _call(stub: pb2_grpc.ReplyRewriterStub, args: argparse.Namespace, metadata: tuple) -> object:
    conversation = _conversation(args.context)
    if args.command == "rewrite":
        request = pb2.RewriteRequest(draft=_text(args.draft), conversation=conversation,
                                     customer_name=args.customer_name, agent_name=args.agent_name,
                                     brand_name=args.brand_name, language=args.language)
        return stub.Rewrite(request, timeout=args.timeout, metadata=metadata)
    if args.command == "check":
        request = pb2.CheckRequest(text=_text(args.text), conversation=conversation,
                                   customer_name=args.customer_name, language=args.language)
        return stub.Check(request, timeout=args.timeout, metadata=metadata)
    if args.command == "verify":
        request = pb2.VerifyRequest(draft=args.draft, candidate=args.candidate, conversation=conversation,
                                    language=args.language)
        return stub.Verify(request, timeout=args.timeout, metadata=metadata)
    return stub.ListRules(pb2.ListRulesRequest(), timeout=args.timeout, metadata=metadata)


def _print_readable(command: str, response: object) -> None:
    if command == "rewrite":
        r: pb2.RewriteResponse = response  # type: ignore[assignment]
        print(r.rewrite)
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
        c: pb2.CheckResponse = response  # type: ignore[assignment]
        print(f"language {c.language}: {len(c.violations)} problem(s)")
        _print_violations(list(c.violations))
    elif command == "verify":
        v: pb2.VerifyResponse = response  # type: ignore[assignment]
        print("honest" if v.honest else "NOT honest")
        for f in v.findings:
            print(f"  {pb2.Finding.Kind.Name(f.kind)}: {f.detail}")
    else:
        for rule in response.rules:  # type: ignore[attr-defined]
            print(f"{rule.id:22} {rule.severity:10} {rule.title}  [{'; '.join(rule.sources)}]")
