"""Container health probe: ask the server's grpc.health.v1 Health service.

Used by the Dockerfile's HEALTHCHECK (Kubernetes uses its native gRPC probe
instead). Exits 0 when the overall service ("") is SERVING, 1 otherwise, so
a draining server (NOT_SERVING after SIGTERM) reports unhealthy at once.

It reads the same REPLYREWRITER_PORT and REPLYREWRITER_TLS_CERT the server
does. With TLS on, it trusts HEALTHCHECK_CA (default: the server's own
certificate, right for a self-signed one) and checks the name in
HEALTHCHECK_SERVER_NAME (default: localhost). Mutual TLS needs a client
certificate: set HEALTHCHECK_CLIENT_CERT and HEALTHCHECK_CLIENT_KEY.
HEALTHCHECK_* names are not REPLYREWRITER_* on purpose: the server's settings
reject names they do not know.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def _read(name: str) -> bytes | None:
    path = os.environ.get(name)
    return Path(path).read_bytes() if path else None


def _channel(target: str) -> grpc.Channel:
    cert = os.environ.get("REPLYREWRITER_TLS_CERT")
    if not cert:
        return grpc.insecure_channel(target)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=_read("HEALTHCHECK_CA") or Path(cert).read_bytes(),
        private_key=_read("HEALTHCHECK_CLIENT_KEY"),
        certificate_chain=_read("HEALTHCHECK_CLIENT_CERT"),
    )
    server_name = os.environ.get("HEALTHCHECK_SERVER_NAME", "localhost")
    return grpc.secure_channel(
        target, credentials, options=[("grpc.ssl_target_name_override", server_name)])


def main(argv: list[str]) -> int:
    port = argv[1] if len(argv) > 1 else os.environ.get("REPLYREWRITER_PORT", "50051")
    timeout = float(os.environ.get("HEALTHCHECK_TIMEOUT", "3"))
    with _channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=timeout)
        except grpc.RpcError as exc:
            print(f"unhealthy: {exc.code().name}: {exc.details()}", file=sys.stderr)
            return 1
    status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    if reply.status != health_pb2.HealthCheckResponse.SERVING:
        print(f"unhealthy: {status}", file=sys.stderr)
        return 1
    print(status)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
