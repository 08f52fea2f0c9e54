"""Drive the running app with N concurrent gradio_client users across all endpoints; report throughput,
p50/p95 latency, errors and the server's memory.

    python benchmarks/load_test.py --users 1 4 16 --requests 48 [--json out.json]

Starts `python app.py` on a free local port (bundled weights, offline), waits until it serves, then for each
N sends the same fixed mix of requests (/colorize, /inpaint, /stylize, /restore on small photos) from N
threads, each with its own Client. Memory is the server process's resident set (VmRSS) sampled every
0.2 s, and its peak (VmHWM) at the end.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import requests
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return float("nan")


def make_inputs(folder):
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:384, 0:512]
    scene = np.stack([120 + 80 * np.sin(x / 50), 140 + 60 * np.cos(y / 40), 100 + 50 * np.sin((x + y) / 70)], -1)
    photo = Image.fromarray(np.clip(scene + rng.normal(0, 10, scene.shape), 0, 255).astype(np.uint8))
    paths = {"photo": os.path.join(folder, "photo.jpg"), "gray": os.path.join(folder, "gray.jpg"),
             "mask": os.path.join(folder, "mask.png"), "style": os.path.join(folder, "style.png")}
    photo.save(paths["photo"], quality=90)
    photo.convert("L").save(paths["gray"], quality=90)
    mask = Image.new("L", photo.size, 0)
    mask.paste(255, (200, 150, 300, 230))
    mask.save(paths["mask"])
    photo.rotate(90, expand=True).resize((256, 256)).save(paths["style"])
    return paths


def request_mix(paths):
    from gradio_client import handle_file

    f = {k: handle_file(v) for k, v in paths.items()}
    return [
        ("/colorize", (f["gray"], 1.0)),
        ("/inpaint", (f["photo"], f["mask"])),
        ("/stylize", (f["photo"], f["style"], "(my style image)", 1.0, False)),
        ("/restore", (f["gray"], "auto", True)),
    ]


def run_level(url, users, total, paths):
    from gradio_client import Client

    mix = request_mix(paths)
    jobs = [mix[i % len(mix)] for i in range(total)]
    lock, latencies, errors = threading.Lock(), [], []

    def user(index):
        client = Client(url, verbose=False)
        for job_index in range(index, total, users):
            endpoint, args = jobs[job_index]
            start = time.perf_counter()
            try:
                client.predict(*args, api_name=endpoint)
                with lock:
                    latencies.append(time.perf_counter() - start)
            except Exception as err:  # counted, reported, never fatal
                with lock:
                    errors.append(f"{endpoint}: {type(err).__name__}: {str(err)[:100]}")

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else float("nan")
    return {"users": users, "requests": total, "errors": len(errors), "throughput_rps": len(latencies) / wall,
            "p50_s": statistics.median(ordered) if ordered else float("nan"), "p95_s": p95,
            "error_samples": errors[:3]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", nargs="+", type=int, default=[1, 4, 16])
    parser.add_argument("--requests", type=int, default=48, help="requests per level (the same mix each time)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    server = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            try:
                if requests.get(url, timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        folder = tempfile.mkdtemp()
        paths = make_inputs(folder)
        run_level(url, 1, 4, paths)  # warm-up: every pipeline loaded once
        idle_mb = memory_mb(server.pid)
        rows, samples, stop = [], [], threading.Event()

        def sample():
            while not stop.is_set():
                samples.append(memory_mb(server.pid))
                time.sleep(0.2)

        threading.Thread(target=sample, daemon=True).start()
        for users in args.users:
            before = len(samples)
            row = run_level(url, users, args.requests, paths)
            row["server_rss_max_mb"] = max(samples[before:] or [float("nan")])
            rows.append(row)
            print(f"N={users:>2}: {row['requests']} requests, {row['errors']} errors, "
                  f"{row['throughput_rps']:.2f} req/s, p50 {row['p50_s']:.2f} s, p95 {row['p95_s']:.2f} s, "
                  f"server RSS up to {row['server_rss_max_mb']:.0f} MB", flush=True)
        stop.set()
        peak = memory_mb(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\nserver: {idle_mb:.0f} MB after warm-up, peak {peak:.0f} MB; queue: default_concurrency_limit=2, "
          f"max_size=32; torch threads per process: {min(4, os.cpu_count() or 1)}; {os.cpu_count()} cores\n")
    print("| users | requests | errors | req/s | p50 s | p95 s | server RSS max MB |\n|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['users']} | {r['requests']} | {r['errors']} | {r['throughput_rps']:.2f} | {r['p50_s']:.2f} | "
              f"{r['p95_s']:.2f} | {r['server_rss_max_mb']:.0f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"levels": rows, "idle_mb": idle_mb, "peak_mb": peak}, f, indent=2)


if __name__ == "__main__":
    main()
