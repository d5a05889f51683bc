"""Load-test a mixed session on the production stack with locust (headless).

    .venv/bin/python benchmarks/load_test.py [--users 50] [--seconds 60] [--spawn-rate 10]
        [--workers 3] [--threads 2] [--keep-alive 75] [--json] [--keep]

Needs PostgreSQL and Redis (the local servers by default) and locust (requirements-dev.txt).
Everything runs on this machine, on the load test's own PostgreSQL database (LOAD_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/huntaze_load) and Redis database (LOAD_REDIS_URL,
default redis://127.0.0.1:6379/7, emptied at the start):

- a local server speaking the Azure OpenAI protocol (apps/content/ai/testing/azure_server.py,
  the one the tests and `ai_bench` use), so the studio's AI calls never leave the machine;
- migrations, `seed_demo`, then `--users` load-test creators (on the plan with the most AI
  requests and API access, so no generation is refused for quota): verified e-mail,
  onboarded, a persona, links, published posts, one finished generation and an API key each,
  made with the project's services (SEED_ACCOUNTS below; accounts of an earlier run are
  deleted first);
- a Celery worker (2 processes, as docker-compose runs it) on the same Redis, which runs the
  studio's generation jobs;
- gunicorn with huntaze.settings.production as the Dockerfile runs it (3 workers, 2 threads,
  idle connections kept 75 s, an access log). Locust plays the load balancer here, reusing
  connections; with gunicorn's default of 2 s, a request sent on a connection just as
  gunicorn closed it for idleness got no answer (RemoteDisconnected: 0 to 2 of the ~1,900
  requests of a run), which behind a balancer is a 502. `--keep-alive 2` shows it again;
- locust with benchmarks/locustfile.py: anonymous fans on creators' pages and posts, creators
  (logged in once through allauth's form) on the dashboard, the library and the studio
  (generation sent as htmx does, polled until the draft is written), scripts reading the API
  with their keys. See the locustfile for the mix.

Requests carry X-Forwarded-Proto: https and an X-Forwarded-For address per simulated user, as
the load balancer sends them, and the app runs with TRUSTED_PROXY_COUNT=1 as it does behind one.
So allauth's log-in limit (30 a minute per address) counts each simulated visitor rather than
127.0.0.1 as a whole: no limit is lifted or changed. The API has no throttle.

Prints, per request type: count, failures, p50/p95/p99 (ms) and requests per second, with a
total line (locust's final figures, which the locustfile writes on exit: its CSV files, kept
with --keep, are rewritten once a second and can miss the last one); then "studio: submit →
draft done", a generation from sending the form to the finished draft (polled every second,
as the page does), which is not a request of its own and not in the total. Exits 1 if any
request failed or gunicorn's or the worker's log holds an error; the logs (gunicorn, access,
worker, locust) are then kept and their folder named.

All of it shares the machine's CPUs: locust, gunicorn, the worker, PostgreSQL and Redis. The
figures compare runs on one machine; they are not the capacity of a production server.
"""

import argparse
import json
import math
import os
import re
import secrets
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
sys.path.insert(0, str(ROOT))

from apps.content.ai.testing.azure_server import AzureSimulator  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from public_page import empty_redis, ensure_database, free_port  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
WORKER_NAME = "loadtest@" + socket.gethostname()
LOGGED = ("gunicorn", "worker")  # the logs where an error fails the run
LOG_ERROR = re.compile(
    r"^(?:ERROR|CRITICAL|Traceback)\b|\[(?:ERROR|CRITICAL)\]|\b(?:ERROR|CRITICAL)/", re.M
)

# Run by `manage.py shell -c` with LOAD_ACCOUNTS, LOAD_PASSWORD and LOAD_ACCOUNTS_FILE set, and
# Celery eager, so that each account's first generation runs inline on the Azure server.
SEED_ACCOUNTS = """
import json, os
from django.contrib.auth.hashers import make_password
from apps.content.library.services import content_item_create, content_item_publish
from apps.content.studio.services import generation_job_create
from apps.subscriptions.plans import plan_list
from apps.users.models import Persona, User
from apps.users.services import (
    api_key_create, link_create, user_complete_onboarding, user_delete,
    user_ensure_verified_email,
)

DOMAIN = "@load.invalid"
plan = max((p for p in plan_list() if p.api_access), key=lambda p: p.ai_requests_month)
for old in User.objects.filter(email__endswith=DOMAIN):
    user_delete(user=old)
password = make_password(os.environ["LOAD_PASSWORD"])  # one hash for all: seeding stays fast
accounts = []
for number in range(int(os.environ["LOAD_ACCOUNTS"])):
    handle = f"load{number:03d}"
    user = User.objects.create_user(
        handle + DOMAIN, password=None, role=User.Role.CREATOR, tier=plan.key
    )
    user.password = password
    user.save(update_fields=["password"])
    user_ensure_verified_email(user=user)
    user_complete_onboarding(
        user=user,
        name=f"Load Creator {number}",
        handle=handle,
        voice="Upbeat travel and fitness creator; short sentences, talks to fans as friends.",
        tone=Persona.Tone.PLAYFUL,
    )
    links = [
        link_create(user=user, title=title, url=f"https://example.com/{handle}/{title.lower()}")
        for title in ("Instagram", "TikTok")
    ]
    posts = []
    for index, title in enumerate(("Morning run", "Beach day", "New plan", "Q&A recap")):
        item = content_item_create(
            user=user, kind="post", title=title,
            body=f"{title}: thanks for being here! Post {index + 1} of the week.",
        )
        posts.append(content_item_publish(item=item).slug)
    content_item_create(user=user, kind="caption", title="Teaser", body="Saturday. You know.")
    job = generation_job_create(user=user, task="caption", prompt=f"A caption for {handle}")
    job.refresh_from_db()
    if job.state != "done":
        raise SystemExit(f"The seeded generation of {handle} ended {job.state}: {job.error}")
    _key, raw_key = api_key_create(user=user, name="load test")
    accounts.append({
        "email": user.email, "password": os.environ["LOAD_PASSWORD"], "handle": handle,
        "api_key": raw_key, "posts": posts, "links": [str(link.pk) for link in links],
        "job": str(job.pk),
    })
with open(os.environ["LOAD_ACCOUNTS_FILE"], "w") as out:
    json.dump(accounts, out)
print(f"{len(accounts)} load-test creators on the {plan.key} plan")
"""


def manage(env: dict, *args: str) -> None:
    # What the commands say goes to stderr: stdout is the report's (--json).
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=sys.stderr)


def wait_for_http(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"The server exited ({process.returncode}) before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"No answer from {url} after {seconds} s")


def wait_for_worker(env: dict, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"The Celery worker exited ({process.returncode})")
        ping = subprocess.run(
            [BIN / "celery", "-A", "huntaze", "inspect", "ping", "-d", WORKER_NAME, "-t", "2"],
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
        if ping.returncode == 0:
            return
    sys.exit(f"The Celery worker did not answer a ping in {seconds} s")


def stop(process: subprocess.Popen | None, seconds: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def errors_in_log(path: Path) -> int:
    """Lines of a log that report an error: Django's ("ERROR ..."), gunicorn's ("[ERROR]"),
    Celery's ("ERROR/ForkPoolWorker-1") and tracebacks."""
    return len(LOG_ERROR.findall(path.read_text(errors="replace")))


def percentile(values: list[float], share: float) -> float:
    """Nearest rank, as ai_bench computes them."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def generation_row(times: list[float], seconds: int) -> dict:
    return {
        "name": "studio: submit → draft done",
        "count": len(times),
        "failures": 0,  # a failed job fails the request that shows it, counted above
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
        "rps": round(len(times) / seconds, 2),
    }


def print_table(rows: list[dict], total: dict, flow: dict) -> None:
    width = max(len(row["name"]) for row in rows) + 2
    print(
        f"{'request':{width}}{'count':>8}{'fails':>7}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'req/s':>8}"
    )
    for row in [*rows, {**total, "name": "total"}, flow]:
        print(
            f"{row['name']:{width}}{row['count']:8d}{row['failures']:7d}{row['p50_ms']:9.0f}"
            f"{row['p95_ms']:9.0f}{row['p99_ms']:9.0f}{row['rps']:8.1f}"
        )


def start_worker(env: dict, log) -> subprocess.Popen:
    """A Celery worker of 2 processes, as docker-compose runs it, on the same Redis."""
    return subprocess.Popen(
        [BIN / "celery", "-A", "huntaze", "worker", "-c", "2", "-n", WORKER_NAME, "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def start_gunicorn(args, env: dict, port: int, work: Path, log) -> subprocess.Popen:
    """gunicorn as the Dockerfile runs it (workers, threads, an access log), --keep-alive aside."""
    return subprocess.Popen(
        [
            *(PYTHON, "-m", "gunicorn", "huntaze.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(args.workers), "--threads", str(args.threads)),
            *("--keep-alive", str(args.keep_alive)),
            *("--access-logfile", str(work / "access.log"), "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def run(args, env: dict, port: int, work: Path) -> dict:
    """Seed, start the stack, run locust, stop the stack; the report."""
    base = f"http://127.0.0.1:{port}"
    accounts_file = work / "accounts.json"
    server = worker = None
    with (
        open(work / "gunicorn.log", "w") as gunicorn_log,
        open(work / "worker.log", "w") as worker_log,
        open(work / "locust.log", "w") as locust_log,
        AzureSimulator(api_key=env["AZURE_OPENAI_API_KEY"]) as azure,
    ):
        env["AZURE_OPENAI_ENDPOINT"] = azure.endpoint
        try:
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "seed_demo", "--force")
            # Always: a manifest from an older checkout lacks newer files.
            manage(env, "collectstatic", "--noinput", "-v0")
            seed_env = {
                **env,
                "CELERY_TASK_ALWAYS_EAGER": "true",
                "LOAD_ACCOUNTS": str(args.users),
                "LOAD_PASSWORD": secrets.token_urlsafe(12),
                "LOAD_ACCOUNTS_FILE": str(accounts_file),
            }
            manage(seed_env, "shell", "--no-imports", "-c", SEED_ACCOUNTS)
            worker = start_worker(env, worker_log)
            server = start_gunicorn(args, env, port, work, gunicorn_log)
            wait_for_http(base + "/healthz", server)
            wait_for_worker(env, worker)
            ai_calls_before = len(azure.requests)
            subprocess.run(
                [
                    *(BIN / "locust", "-f", ROOT / "benchmarks" / "locustfile.py", "--headless"),
                    *("--users", str(args.users), "--spawn-rate", str(args.spawn_rate)),
                    *("--run-time", f"{args.seconds}s", "--host", base),
                    *("--csv", work / "load", "--only-summary"),
                ],
                cwd=ROOT,
                env={
                    **os.environ,
                    "LOAD_TEST_ACCOUNTS": str(accounts_file),
                    "LOAD_TEST_RESULTS": str(work / "results.json"),
                },
                stdout=locust_log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        finally:
            # Before the Azure server goes: the worker finishes the jobs it holds.
            stop(server)
            stop(worker)
        ai_calls = len(azure.requests) - ai_calls_before
    if not (work / "results.json").exists():
        sys.exit(f"locust wrote no results: see {work / 'locust.log'}")
    results = json.loads((work / "results.json").read_text())
    return {
        "users": args.users,
        "seconds": args.seconds,
        "spawn_rate": args.spawn_rate,
        "gunicorn": {
            "workers": args.workers,
            "threads": args.threads,
            "keep_alive": args.keep_alive,
        },
        "celery_concurrency": 2,
        "cpus": os.cpu_count(),
        "ai_calls": ai_calls,
        "requests": results["requests"],
        "total": results["total"],
        "studio_submit_to_draft": generation_row(results["generation_ms"], args.seconds),
        "failures": results["failures"],
        "log_errors": {name: errors_in_log(work / f"{name}.log") for name in LOGGED},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users (locust -u)")
    parser.add_argument("--seconds", type=int, default=60, help="length of the run (locust -t)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started a second")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (Dockerfile)")
    parser.add_argument("--threads", type=int, default=2, help="threads a gunicorn worker")
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=75,
        help="seconds gunicorn keeps an idle connection (see above; gunicorn's default is 2)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep", action="store_true", help="keep the logs and locust's CSV files")
    args = parser.parse_args()
    if not (BIN / "locust").exists():
        sys.exit("locust is not installed: .venv/bin/pip install -r requirements-dev.txt")

    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huntaze.settings.production",
        "DJANGO_SECRET_KEY": "load-test-only-secret-key-" + "x" * 40,
        "DATABASE_URL": os.environ.get(
            "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/huntaze_load"
        ),
        "REDIS_URL": os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/7"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_LOG_LEVEL": "WARNING",
        # One proxy (the balancer) adds to X-Forwarded-For, as in production behind one.
        "TRUSTED_PROXY_COUNT": "1",
        "AI_PROVIDER": "azure",
        "AZURE_OPENAI_API_KEY": secrets.token_urlsafe(16),
    }
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)  # the web and the worker share REDIS_URL
    ensure_database(env["DATABASE_URL"])
    empty_redis(env["REDIS_URL"])
    work = Path(tempfile.mkdtemp(prefix="huntaze-load-"))
    failed = True
    try:
        report = run(args, env, port, work)
        failed = report["total"]["failures"] > 0 or any(report["log_errors"].values())
    finally:
        if failed or args.keep:
            print(f"Logs and CSV files kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work)

    if args.json:
        print(json.dumps(report))
    else:
        print(
            f"{args.users} users for {args.seconds} s; gunicorn {args.workers} workers x "
            f"{args.threads} threads (keep-alive {args.keep_alive} s), Celery 2 processes, "
            f"{os.cpu_count()} CPUs; "
            f"{report['ai_calls']} calls reached the Azure server"
        )
        print_table(report["requests"], report["total"], report["studio_submit_to_draft"])
        for failure in report["failures"]:
            print(
                f"FAILED {failure['occurrences']}x {failure['method']} {failure['name']}: "
                f"{failure['error']}"
            )
        for name, count in report["log_errors"].items():
            if count:
                print(f"ERRORS: {count} error lines in the {name} log")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
