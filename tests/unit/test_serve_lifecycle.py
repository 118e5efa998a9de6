"""make serve: prints its URL, and Ctrl-C stops it, and any rendering kernel, cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.conftest import ROOT, free_port, wait_http


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_server_prints_url_and_stops_on_signal(sig, tmp_path):
    port = free_port()
    # An empty cache: the server renders lessons as it starts, each in a short-lived kernel.
    proc = subprocess.Popen(
        [sys.executable, "-m", "widgets.server", "--port", str(port), "--cache-dir", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/", timeout=60)
        # Stop while a lesson is being rendered: the hardest moment.
        kernels = []
        deadline = time.monotonic() + 30
        while not kernels and time.monotonic() < deadline:
            kernels = [k for k in psutil.Process(proc.pid).children(recursive=True)
                       if "ipykernel" in " ".join(k.cmdline())]
            time.sleep(0.05)
        assert kernels, "no rendering kernel was started"
        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert f"http://127.0.0.1:{port}/" in out
    assert "Stopping the course server" in out
    assert proc.returncode == 0, out[-3000:]
    assert "Traceback" not in out, out[-3000:]
    assert not [k.pid for k in kernels if k.is_running() and k.status() != psutil.STATUS_ZOMBIE], \
        "kernels left running after the server stopped"
