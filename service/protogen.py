"""Generate the Python gRPC stubs from ``proto/`` with grpcio-tools.

Stubs are build output, not source: ``setup.py`` runs this when the package
is built or installed, and ``service.pb`` runs it on first import from a
source checkout where they are missing or older than the .proto file, so a
fresh clone works with no extra step.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "proto"
PROTO_FILE = "replyrewriter/v1/reply_rewriter.proto"
GEN_DIR = Path(__file__).resolve().parent / "_gen"


def stubs_are_stale(gen_dir: Path = GEN_DIR) -> bool:
    proto = PROTO_DIR / PROTO_FILE
    target = gen_dir / "reply_rewriter_pb2.py"
    if not target.exists():
        return True
    return proto.exists() and proto.stat().st_mtime > target.stat().st_mtime


def generate(gen_dir: Path = GEN_DIR) -> None:
    """Write reply_rewriter_pb2{,_grpc}.py into ``gen_dir`` as a package."""
    from grpc_tools import protoc  # build-time dependency, imported lazily
    import importlib.resources
    import tempfile

    well_known = str(importlib.resources.files("grpc_tools") / "_proto")
    gen_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        code = protoc.main([
            "grpc_tools.protoc", f"-I{PROTO_DIR}", f"-I{well_known}",
            f"--python_out={tmp}", f"--pyi_out={tmp}", f"--grpc_python_out={tmp}",
            str(PROTO_DIR / PROTO_FILE),
        ])
        if code != 0:
            raise RuntimeError(f"protoc failed with exit code {code} on {PROTO_FILE}")
        out = Path(tmp) / "replyrewriter" / "v1"
        for name in ("reply_rewriter_pb2.py", "reply_rewriter_pb2.pyi", "reply_rewriter_pb2_grpc.py"):
            text = (out / name).read_text(encoding="utf-8")
            # protoc writes absolute imports for the proto's package path; the
            # stubs live inside service._gen, so make them relative.
            text = text.replace("from replyrewriter.v1 import reply_rewriter_pb2",
                                "from . import reply_rewriter_pb2")
            (gen_dir / name).write_text(text, encoding="utf-8")
    (gen_dir / "__init__.py").write_text('"""Generated gRPC stubs (see service/protogen.py)."""\n')


if __name__ == "__main__":
    generate()
