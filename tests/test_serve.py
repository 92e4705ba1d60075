"""`make serve` answers as a static host would, and says so when it cannot listen."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from conftest import ROOT

SERVE = ROOT / "scripts" / "serve.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    site = tmp_path / "site"
    (site / "about").mkdir(parents=True)
    (site / "empty-folder").mkdir()
    (site / "index.html").write_text("<p>front page</p>")
    (site / "about" / "index.html").write_text("<p>about</p>")
    (site / "404.html").write_text("<h1>Page not found</h1>")
    port = free_port()
    server = subprocess.Popen([sys.executable, str(SERVE), str(site), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert "Serving" in server.stdout.readline()
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_pages_are_served_and_a_missing_one_gets_the_sites_404_page(served):
    assert fetch(served + "/") == (200, "<p>front page</p>")
    assert fetch(served + "/about/") == (200, "<p>about</p>")
    assert fetch(served + "/no/such/story/") == (404, "<h1>Page not found</h1>")
    assert fetch(served + "/empty-folder/") == (404, "<h1>Page not found</h1>")  # never a listing


def test_a_busy_port_is_a_one_line_error_and_a_non_zero_exit(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, str(SERVE), str(tmp_path), "--port", str(port)],
                              capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
