"""Helpers for tests that read the metrics exposition or run the real Prometheus.

Only 127.0.0.1 is ever contacted. The Prometheus binaries come from the Debian
``prometheus`` package (``.ci/run`` installs it); outside CI a test may skip
when they are missing, in CI it must not.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_binary(name: str) -> str:
    """The binary's path; skip when missing outside CI, fail when missing in CI."""
    path = shutil.which(name)
    if path:
        return path
    message = f"the `{name}` binary (Debian package `prometheus`) is not installed; `.ci/run` installs it"
    if os.environ.get("CI"):
        pytest.fail(f"{message}, and CI must run this test")
    pytest.skip(message)


def http_get(url: str, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
        return response.status, dict(response.headers), response.read()


def fetch_metrics(port: int) -> str:
    status, _headers, body = http_get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200
    return body.decode("utf-8")


def promtool_check_metrics(exposition: str) -> subprocess.CompletedProcess[str]:
    """``promtool check metrics`` reads the exposition on stdin and lints it."""
    promtool = require_binary("promtool")
    return subprocess.run([promtool, "check", "metrics"], input=exposition, capture_output=True,
                          text=True, timeout=60, check=False)


def snapshot(registry: CollectorRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample in the registry, keyed by name and sorted labels."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in registry.collect() for s in family.samples}


def delta(before: dict[tuple[str, tuple[tuple[str, str], ...]], float],
          after: dict[tuple[str, tuple[tuple[str, str], ...]], float],
          name: str, label: str | None = None) -> dict[str, float]:
    """How much each series of ``name`` moved, keyed by the value of ``label``
    (or by its sorted labels rendered as text); unchanged series are left out."""
    moved: dict[str, float] = {}
    for (sample, labels), value in after.items():
        if sample != name:
            continue
        change = value - before.get((sample, labels), 0.0)
        if change == 0:
            continue
        key = dict(labels).get(label, "") if label else ",".join(f"{k}={v}" for k, v in labels)
        moved[key] = moved.get(key, 0.0) + change
    return moved


class Prometheus:
    """A real Prometheus server on 127.0.0.1 scraping the given targets every second."""

    def __init__(self, workdir: Path, targets: list[str], job: str = "reply-rewriter") -> None:
        self.binary = require_binary("prometheus")
        self.workdir = workdir
        self.port = free_port()
        self.config = workdir / "prometheus.yml"
        self.log_path = workdir / "prometheus.log"
        quoted = ", ".join(f"'{t}'" for t in targets)
        self.config.write_text(
            "global:\n"
            "  scrape_interval: 1s\n"
            "  evaluation_interval: 1s\n"
            "scrape_configs:\n"
            f"  - job_name: {job}\n"
            "    metrics_path: /metrics\n"
            "    static_configs:\n"
            f"      - targets: [{quoted}]\n",
            encoding="utf-8")
        self._process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Prometheus":
        self._log = self.log_path.open("wb")
        self._process = subprocess.Popen(
            [self.binary, f"--config.file={self.config}", f"--storage.tsdb.path={self.workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self._log, stderr=subprocess.STDOUT, cwd=self.workdir)
        self.wait_until(self._ready, timeout=30, what="Prometheus to report ready")
        return self

    def _ready(self) -> bool:
        try:
            status, _, _ = http_get(f"{self.url}/-/ready", timeout=2)
        except OSError:
            return False
        return status == 200

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=5)
        self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def query(self, promql: str) -> list[dict[str, Any]]:
        """The result vector of an instant query through the HTTP API."""
        url = f"{self.url}/api/v1/query?{urllib.parse.urlencode({'query': promql})}"
        _status, _headers, body = http_get(url)
        payload = json.loads(body)
        assert payload["status"] == "success", payload
        return list(payload["data"]["result"])

    def rules(self) -> list[dict[str, Any]]:
        """Every loaded rule with its health, state and last evaluation."""
        _status, _headers, body = http_get(f"{self.url}/api/v1/rules")
        return [rule for group in json.loads(body)["data"]["groups"] for rule in group["rules"]]

    def targets(self) -> list[dict[str, Any]]:
        _status, _headers, body = http_get(f"{self.url}/api/v1/targets")
        return list(json.loads(body)["data"]["activeTargets"])

    def wait_until(self, condition: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            if self._process is not None and self._process.poll() is not None:
                raise AssertionError(f"Prometheus exited with {self._process.returncode}:\n{self.logs()[-4000:]}")
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}\n"
                                     f"Prometheus log tail:\n{self.logs()[-4000:]}")
            time.sleep(0.5)
