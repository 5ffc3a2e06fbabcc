"""``raft-sim serve`` (raft/cli/serve.py) in a process of its own: it listens on 127.0.0.1, prints the URL, opens a
browser only when asked, and stops cleanly on Ctrl-C (exit status 130)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from raft.cli import main

ROOT = Path(__file__).resolve().parents[2]


def start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """``raft-sim serve ARGS`` with $BROWSER recording what it is asked to open; the process and its URL."""
    recorder = tmp_path / "browser.py"
    recorder.write_text("import sys\nopen(sys.argv[1], 'w').write(sys.argv[2])\n", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BROWSER": f"{sys.executable} {recorder} {tmp_path / 'opened.txt'} %s",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "raft", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
        # as a shell starts a command in the background: SIGINT ignored, so Python installs no handler of its own
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"http://\S+/", line)
    if found is None:
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"no URL in {line!r} (stderr: {err!r})")
    return process, found.group(0)


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    return process.returncode, err


@pytest.mark.slow
def test_serve_listens_on_localhost_prints_the_url_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    process, url = start(tmp_path, "--port", "0")
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url) and not url.endswith(":0/")
        with urllib.request.urlopen(url, timeout=10) as page:
            assert page.status == 200 and "text/html" in page.headers["Content-Type"]
        with urllib.request.urlopen(url + "scenario.yaml", timeout=10) as saved:
            assert saved.read().decode().startswith("name: cold-start-5 (live)\n")
    finally:
        status, err = stop(process)
    assert status == 130
    assert re.fullmatch(r"raft-sim serve: stopped the live session at [\d.]+ ms \(simulated\)\n", err)
    assert not (tmp_path / "opened.txt").exists()  # no browser without --open


@pytest.mark.slow
def test_serve_open_opens_the_url_in_a_browser(tmp_path: Path) -> None:
    process, url = start(tmp_path, "leader-crash", "--open")
    try:
        opened = tmp_path / "opened.txt"
        deadline = time.monotonic() + 20
        while not (opened.exists() and opened.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)  # the browser is started in the background
        assert opened.read_text() == url
    finally:
        status, _ = stop(process)
    assert status == 130


def test_a_missing_scenario_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "no-such-scenario"]) == 2
    assert capsys.readouterr().err == "no-such-scenario: no such file (see 'raft-sim list')\n"


@pytest.mark.parametrize(
    ("port", "message"),
    [("70000", "must be between 0 and 65535, got 70000"), ("web", "expected a port number, got 'web'")],
)
def test_a_bad_port_is_one_line(port: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", port])
    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith(f"--port: {message}\n")


def test_a_port_in_use_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from raft.live.server import listening_socket

    taken = listening_socket(0)
    try:
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    finally:
        taken.close()
    assert f"--port {port}: cannot listen on 127.0.0.1: Address already in use" in capsys.readouterr().err
