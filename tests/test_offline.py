"""With no network, the app starts and serves at once and never tries to reach the Hub or anything else.

HF_HUB_OFFLINE is deliberately unset here. Every proxy variable and HF_ENDPOINT point at a local listener
that counts connection attempts: any library that tried to go online would knock there (or wait on it).
"""
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests
from gradio_client import Client, handle_file

from conftest import free_port
from helpers import photo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Listener:
    """Accepts and counts connections on a local port, answering nothing."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port, self.connections = self.sock.getsockname()[1], 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture
def offline_app():
    listener = Listener()
    trap = f"http://127.0.0.1:{listener.port}"
    env = {key: value for key, value in os.environ.items() if key not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update({"HTTP_PROXY": trap, "HTTPS_PROXY": trap, "ALL_PROXY": trap, "http_proxy": trap,
                "https_proxy": trap, "HF_ENDPOINT": trap, "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost", "GRADIO_ANALYTICS_ENABLED": "False", "OMP_NUM_THREADS": "1"})
    port = free_port()
    started = time.time()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        while time.time() - started < 120:
            if proc.poll() is not None:
                pytest.fail(f"app exited: {proc.stdout.read()[-3000:]}")
            try:
                if requests.get(url, timeout=1, proxies={"http": None, "https": None}).ok:
                    break
            except requests.RequestException:
                time.sleep(0.25)
        yield url, time.time() - started, listener
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_app_starts_and_serves_without_network(offline_app, tmp_path):
    url, startup_seconds, listener = offline_app
    photo(64, 48).save(tmp_path / "p.png")
    _, download = Client(url, verbose=False).predict(handle_file(str(tmp_path / "p.png")), 1.0, api_name="/colorize")
    assert os.path.exists(download)
    assert listener.connections == 0, f"{listener.connections} attempt(s) to reach the network"
    # no 10-20 s retry loops on start: torch + gradio imports and loading four small pipelines only
    assert startup_seconds < 60, f"start took {startup_seconds:.0f} s"
    print(f"offline start: {startup_seconds:.1f} s to first page")
