"""The generated protobuf and gRPC modules, generated on first use if missing.

Import ``pb2`` and ``pb2_grpc`` from here, never from ``service._gen``
directly, so a source checkout regenerates stale stubs automatically.
"""

from __future__ import annotations

from service import protogen

if protogen.PROTO_DIR.exists() and protogen.stubs_are_stale():
    protogen.generate()

from service._gen import reply_rewriter_pb2 as pb2  # noqa: E402
from service._gen import reply_rewriter_pb2_grpc as pb2_grpc  # noqa: E402

__all__ = ["pb2", "pb2_grpc"]
