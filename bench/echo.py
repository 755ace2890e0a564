"""The baseline of the Check benchmark: a bare ``grpc.aio`` service, no proto.

One generic unary method ``/bench.Echo/Call`` takes the serialized bytes of a
real ``CheckRequest`` and answers with the bytes of the real ``CheckResponse``
our server gave for it (looked up by the request's hash), so both servers move
exactly the same messages and the difference is the work ours does.

    python -m bench.echo --responses FILE    (prints its port, serves until SIGINT)

``FILE`` is JSON: {sha256 of request bytes (hex): response bytes (base64)}.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import signal
from pathlib import Path

import grpc

METHOD = "/bench.Echo/Call"


def request_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_responses(path: Path, pairs: list[tuple[bytes, bytes]]) -> None:
    path.write_text(json.dumps({request_key(req): base64.b64encode(resp).decode() for req, resp in pairs}))


async def serve(responses: dict[str, bytes], host: str = "127.0.0.1", port: int = 0) -> tuple[grpc.aio.Server, int]:
    async def call(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return responses.get(request_key(request), request)

    handler = grpc.method_handlers_generic_handler(
        "bench.Echo", {"Call": grpc.unary_unary_rpc_method_handler(call)})  # bytes in, bytes out
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    server.add_generic_rpc_handlers((handler,))
    bound = server.add_insecure_port(f"{host}:{port}")
    await server.start()
    return server, bound


async def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    raw = json.loads(args.responses.read_text())
    responses = {k: base64.b64decode(v) for k, v in raw.items()}
    server, port = await serve(responses, port=args.port)
    print(port, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop(0)


if __name__ == "__main__":
    asyncio.run(_main())
