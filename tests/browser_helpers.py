"""Helpers for the real-browser test: start `streamlit run app.py` on a free local port and drive
Debian's headless Chromium through Selenium + chromedriver (no browser download)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import closing
from pathlib import Path

from deelwijzer.config import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"


def browser_available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


def require_browser() -> None:
    """Skip without Chromium, except in CI: `make test` installs the browser first, so there a
    missing browser is a broken set-up, not a reason to let a browser test pass silently."""
    import pytest

    if browser_available():
        return
    message = "Chromium/chromedriver not installed: run `make browser-deps`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(port: int, env: dict[str, str], log_path: Path, script: Path | None = None) -> subprocess.Popen:
    streamlit = PROJECT_ROOT / ".venv" / "bin" / "streamlit"
    exe = str(streamlit) if streamlit.exists() else shutil.which("streamlit") or "streamlit"
    cmd = [
        exe, "run", str(script or PROJECT_ROOT / "app.py"),
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    # Own process group, so stop_process can end the server and anything it spawned.
    return subprocess.Popen(cmd, cwd=PROJECT_ROOT, env={**os.environ, **env}, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 90.0) -> float:
    """Seconds until Streamlit's health endpoint answers; raises if the server dies or times out."""
    start = time.monotonic()
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit not healthy on port {port} after {timeout} s")


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


def make_driver(user_data_dir: Path, width: int = 1440, height: int = 1600):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", f"--window-size={width},{height}",
                 f"--user-data-dir={user_data_dir}"):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def screenshot(driver, name: str, element=None) -> Path:
    """Save a PNG; Streamlit scrolls inside its main block, so bring `element` into view first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if element is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", element)
        time.sleep(0.4)
    driver.save_screenshot(str(path))
    return path
