"""Benchmark the fans' page against /healthz on the same production server.

    .venv/bin/python benchmarks/public_page.py [--seconds 15] [--connections 16] [--json]

Starts gunicorn with huntaze.settings.production on PostgreSQL and Redis (DATABASE_URL and
REDIS_URL, defaulting to the local servers and a database of its own), seeds the demo
creator, warms the page cache, then drives /@demo/ and /healthz in turn with wrk (Debian's
`wrk` package) at the same concurrency, sending X-Forwarded-Proto as the load balancer does
and a phone browser's User-Agent, so that every page view is counted as a fan's would be
(analytics' Redis pipeline is on the measured path; the script prints how many views were
counted). Prints p50/p90/p95/p99 latency and throughput for both, and the ratio of their
throughputs. Targets: /@demo/ p90 and p95 <= 25 ms and at least 0.7 x /healthz's throughput.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
LUA = """
done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT p50=%.3f p90=%.3f p95=%.3f p99=%.3f rps=%.1f errors=%d requests=%d\\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6),
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    summary.requests))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist (PostgreSQL only)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wrk(url: str, *, seconds: int, connections: int, script: Path, headers=()) -> dict:
    """wrk's figures for `url`, sent as the load balancer sends requests (plus `headers`)."""
    sent = ("X-Forwarded-Proto: https", "Accept-Language: en", f"User-Agent: {PHONE}", *headers)
    output = subprocess.run(
        [
            *("wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script)),
            *(item for header in sent for item in ("-H", header)),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return {key: float(value) for key, value in (part.split("=") for part in line.split()[1:])}


def production_env(port: int) -> dict:
    """Production settings on the benchmark's own database and Redis database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huntaze.settings.production",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/huntaze_bench"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def prepare(env: dict) -> None:
    """The database migrated, the demo seeded, the static files collected."""
    ensure_database(env["DATABASE_URL"])
    empty_redis(env["REDIS_URL"])  # the benchmark's own Redis database: no stale pages or counts
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--force")
    # Always: a manifest from an older checkout lacks newer files, and pages then fail.
    manage(env, "collectstatic", "--noinput", "-v0")


def empty_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def views_counted(redis_url: str) -> int:
    """Page views analytics counted in Redis today (all creators), as its flush would read."""
    import redis

    client = redis.Redis.from_url(redis_url)
    return sum(int(client.hget(key, "v") or 0) for key in client.scan_iter(match="*:an:d:*"))


def wait_until_up(base: str) -> None:
    """Until /healthz answers (10 s at most; the first request then says what is wrong)."""
    for _attempt in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    port = free_port()
    env = production_env(port)
    prepare(env)

    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "huntaze.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        request = urllib.request.Request(
            base + "/@demo/", headers={"X-Forwarded-Proto": "https", "Accept-Language": "en"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            if response.status != 200:
                sys.exit(f"/@demo/ answered {response.status}")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA)
        results = {}
        for name, path in (("public_page", "/@demo/"), ("healthz", "/healthz")):
            wrk(base + path, seconds=2, connections=args.connections, script=Path(script.name))
            results[name] = wrk(
                base + path,
                seconds=args.seconds,
                connections=args.connections,
                script=Path(script.name),
            )
        os.unlink(script.name)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    ratio = results["public_page"]["rps"] / results["healthz"]["rps"]
    counted = views_counted(env["REDIS_URL"])
    report = {
        "connections": args.connections,
        "seconds": args.seconds,
        "workers": args.workers,
        "public_page": results["public_page"],
        "healthz": results["healthz"],
        "throughput_ratio": round(ratio, 3),
        "views_counted": counted,
        "targets": {
            "p90_ms_max": 25,
            "p95_ms_max": 25,
            "throughput_ratio_min": 0.7,
            "met": max(results["public_page"]["p90"], results["public_page"]["p95"]) <= 25
            and ratio >= 0.7,
        },
    }
    if args.json:
        print(json.dumps(report))
        return
    print(f"{'':14}{'p50 ms':>9}{'p90 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>10}{'errors':>8}")
    for name in ("public_page", "healthz"):
        r = results[name]
        print(
            f"{name:14}{r['p50']:9.2f}{r['p90']:9.2f}{r['p95']:9.2f}{r['p99']:9.2f}"
            f"{r['rps']:10.0f}{int(r['errors']):8d}"
        )
    met = report["targets"]["met"]
    print(f"throughput ratio (public / healthz): {ratio:.2f}   targets met: {met}")
    print(f"page views counted by analytics today: {counted}")


if __name__ == "__main__":
    main()
