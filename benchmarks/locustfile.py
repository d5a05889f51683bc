"""A mixed session on Huntaze for locust: fans on creators' pages, creators in the dashboard,
the library and the studio, and scripts reading the API.

Run by benchmarks/load_test.py, which starts the whole stack and writes the accounts file.
Against a server of your own, with accounts made the same way:

    LOAD_TEST_ACCOUNTS=accounts.json .venv/bin/locust -f benchmarks/locustfile.py \\
        --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8000

LOAD_TEST_ACCOUNTS is a JSON list of load-test creators, each with `email`, `password`,
`handle`, `api_key`, `posts` (slugs of published posts), `links` (link ids) and `job` (the id
of a finished generation). Three kinds of visitor, by weight (5:3:2):

- Fan (anonymous): a creator's page, one of their posts, a tracked link (302 to the link),
  now and then the landing page, robots.txt and the sitemap.
- Creator (logged in once through allauth's form, then on that session cookie): the
  dashboard, the library and a draft in it, the studio; and a generation sent from the
  studio as htmx sends it, then polled as the page polls it (every second) until the draft
  is written. A failed job fails the request that shows it.
- ApiScript (Authorization: Bearer <key>): /api/v1/me/, /api/v1/usage/ and a generation.

Every request goes out as the load balancer forwards it: X-Forwarded-Proto: https and an
X-Forwarded-For address of the visitor's own (one per simulated user, which the app reads
with TRUSTED_PROXY_COUNT=1). Any status other than the expected one is a failure; nothing
is retried.

When LOAD_TEST_RESULTS names a file, the final statistics are written there as JSON on exit
(per request type: count, failures, p50/p95/p99, requests per second; the failures; and the
times from sending a generation to its finished draft, which is not a request of its own).
"""

import itertools
import json
import os
import random
import re
import time
import uuid

from locust import HttpUser, between, events, task
from locust.stats import sort_stats

TIMEOUT = 30
# The studio's job fragment polls itself every second (hx-trigger="load delay:1s").
POLL_SECONDS = 1.0
POLL_LIMIT_SECONDS = 90
HTMX = {"HX-Request": "true", "HX-Target": "job-result"}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
JOB_ID = re.compile(r'id="job-([0-9a-f-]{36})"')
JOB_ERROR = re.compile(r'message-error".*?</p>\s*<p>(.*?)</p>', re.S)
LIBRARY_ITEM = re.compile(r'href="/content/(\d+)/"')
PROMPTS = (
    ("caption", "A playful Instagram caption for my beach shoot, mention the summer sale"),
    ("caption", "A short caption for a gym selfie, teasing the new workout plan"),
    ("hashtags", "Hashtags for a sunset yoga video on the rooftop"),
    ("post", "A promo post for my weekend live stream, with a call to join"),
    ("bio", "A profile bio for a fitness creator who loves travel"),
)


def _accounts_list() -> list[dict]:
    path = os.environ.get("LOAD_TEST_ACCOUNTS")
    if not path:
        return []
    with open(path) as handle:
        return json.load(handle)


ACCOUNTS = _accounts_list()
_addresses = itertools.count(1)
_accounts = itertools.count()
# Milliseconds from sending a generation to its finished draft.
GENERATION_MS: list[float] = []


def _choice(items):
    return random.choice(items)  # noqa: S311 - picks a page to visit, not a secret


def _job_outcome(fragment: str) -> str:
    """running (the fragment polls itself again), done (a draft) or failed."""
    if "hx-get=" in fragment:
        return "running"
    return "done" if "Your draft" in fragment and "message-error" not in fragment else "failed"


def _job_error(fragment: str) -> str:
    found = JOB_ERROR.search(fragment)
    return found.group(1).strip() if found else fragment[:200]


_environment = None


@events.init.add_listener
def _keep_environment(environment, **_kwargs) -> None:
    global _environment
    _environment = environment


@events.quit.add_listener
def _save_results(**_kwargs) -> None:
    """The final statistics for load_test.py. (Its CSV files are rewritten once a second,
    so their last version can miss the last second of the run.)"""
    path = os.environ.get("LOAD_TEST_RESULTS")
    if not path or _environment is None:
        return
    stats = _environment.stats

    def row(entry) -> dict:
        return {
            "method": entry.method or "",
            "name": entry.name,
            "count": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.50),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "rps": round(entry.total_rps, 2),
        }

    results = {
        "requests": [row(entry) for entry in sort_stats(stats.entries)],
        "total": row(stats.total),
        "failures": [
            {
                "method": error.method,
                "name": error.name,
                "error": str(error.error),
                "occurrences": error.occurrences,
            }
            for error in stats.errors.values()
        ],
        "generation_ms": GENERATION_MS,
    }
    with open(path, "w") as out:
        json.dump(results, out)


class _Visitor(HttpUser):
    abstract = True

    def on_start(self) -> None:
        if not ACCOUNTS:
            raise RuntimeError("Set LOAD_TEST_ACCOUNTS to the accounts file")
        number = next(_addresses)
        self.client.headers.update(
            {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"10.{number // 62500 % 256}.{number // 250 % 250}."
                f"{number % 250 + 1}",
                "Accept-Language": "en",
                "User-Agent": "huntaze-load-test",
            }
        )

    def _cookies(self) -> dict:
        """The session's cookies as a header. The app marks them Secure (the balancer
        terminates TLS, the browser talks HTTPS), and this last hop is plain HTTP, on which
        the cookie jar would hold them back."""
        jar = self.client.cookies
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in jar)} if jar else {}

    def _request(
        self,
        method: str,
        path: str,
        name: str,
        expected: int = 200,
        headers: dict | None = None,
        check=None,
        **kwargs,
    ):
        """Send a request; a status other than `expected`, or a message from
        `check(response)`, is a failure. Returns the response."""
        with self.client.request(
            method,
            path,
            name=name,
            headers={**self._cookies(), **(headers or {})},
            allow_redirects=False,
            timeout=TIMEOUT,
            catch_response=True,
            **kwargs,
        ) as response:
            if response.status_code == 0:
                response.failure(f"no answer: {response.error!r}")
            elif response.status_code != expected:
                response.failure(f"{response.status_code} (expected {expected})")
            elif check is not None and (problem := check(response)):
                response.failure(problem)
            else:
                response.success()
            return response

    def _get(self, path: str, name: str, expected: int = 200, **kwargs):
        return self._request("GET", path, name, expected, **kwargs)


class Fan(_Visitor):
    """An anonymous fan on the creators' public pages."""

    weight = 5
    wait_time = between(1, 3)

    @task(6)
    def creator_page(self) -> None:
        account = _choice(ACCOUNTS)
        self._get(f"/@{account['handle']}/", "fan: GET /@[handle]/")

    @task(4)
    def post_page(self) -> None:
        account = _choice(ACCOUNTS)
        slug = _choice(account["posts"])
        self._get(f"/@{account['handle']}/p/{slug}/", "fan: GET /@[handle]/p/[slug]/")

    @task(2)
    def tracked_link(self) -> None:
        account = _choice(ACCOUNTS)
        link = _choice(account["links"])
        self._get(f"/@{account['handle']}/l/{link}/", "fan: GET /@[handle]/l/[link]/", 302)

    @task(1)
    def landing(self) -> None:
        self._get("/", "fan: GET /")

    @task(1)
    def crawler_files(self) -> None:
        self._get("/robots.txt", "fan: GET /robots.txt")
        self._get("/sitemap.xml", "fan: GET /sitemap.xml")


class Creator(_Visitor):
    """A creator in the browser, logged in once through the real log-in form."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        self.account = ACCOUNTS[next(_accounts) % len(ACCOUNTS)]
        page = self._get("/accounts/login/", "creator: GET /accounts/login/")

        def logged_in(response) -> str | None:
            where = response.headers.get("Location")
            return None if where == "/dashboard/" else f"log-in sent to {where}"

        self._post(
            "/accounts/login/",
            "creator: POST /accounts/login/",
            {"login": self.account["email"], "password": self.account["password"]},
            page=page,
            expected=302,
            check=logged_in,
        )

    def _post(self, path: str, name: str, data: dict, page, **kwargs):
        """Send the form of `page` as the browser does: its CSRF token, Origin and Referer
        (Django checks both on HTTPS)."""
        found = CSRF_FIELD.search(page.text)
        origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        headers = {"Origin": origin, "Referer": origin + path, **kwargs.pop("headers", {})}
        data = {"csrfmiddlewaretoken": found.group(1) if found else "", **data}
        return self._request("POST", path, name, data=data, headers=headers, **kwargs)

    @task(4)
    def dashboard(self) -> None:
        self._get("/dashboard/", "creator: GET /dashboard/")

    @task(3)
    def library(self) -> None:
        page = self._get("/content/", "creator: GET /content/")
        items = LIBRARY_ITEM.findall(page.text) if page.status_code == 200 else []
        if items:
            self._get(f"/content/{_choice(items)}/", "creator: GET /content/[id]/")

    @task(1)
    def studio_page(self) -> None:
        self._get("/studio/", "creator: GET /studio/")

    @task(2)
    def studio_generate(self) -> None:
        """The studio as htmx drives it: send the form, then poll the job until it is done."""
        page = self._get("/studio/", "creator: GET /studio/")
        if page.status_code != 200:
            return
        task_type, prompt = _choice(PROMPTS)
        started = time.perf_counter()

        problems: list[str] = []

        def job_fine(response) -> str | None:
            found = JOB_ID.search(response.text)
            if found is None:
                problems.append("no job in the answer")
            elif _job_outcome(response.text) == "failed":
                problems.append(f"job {found.group(1)} failed: {_job_error(response.text)}")
            elif time.perf_counter() - started > POLL_LIMIT_SECONDS:
                problems.append(f"job {found.group(1)} not done in {POLL_LIMIT_SECONDS} s")
            return problems[-1] if problems else None

        response = self._post(
            "/studio/",
            "creator: POST /studio/ (htmx)",
            # A new request each time: the response cache would answer a repeated one.
            {"task": task_type, "prompt": f"{prompt} (ref {uuid.uuid4().hex[:8]})"},
            page=page,
            headers=HTMX,
            check=job_fine,
        )
        # Each answer was checked (and failed if need be) by job_fine as it came.
        while response.status_code == 200 and not problems:
            if _job_outcome(response.text) == "done":
                GENERATION_MS.append((time.perf_counter() - started) * 1000)
                return
            time.sleep(POLL_SECONDS)
            job = JOB_ID.search(response.text).group(1)
            response = self._get(
                f"/studio/jobs/{job}/",
                "creator: GET /studio/jobs/[id]/ (htmx poll)",
                headers=HTMX,
                check=job_fine,
            )


class ApiScript(_Visitor):
    """A creator's script on the API with its key."""

    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        super().on_start()
        self.account = ACCOUNTS[next(_accounts) % len(ACCOUNTS)]
        self.client.headers["Authorization"] = f"Bearer {self.account['api_key']}"

    @task(2)
    def me(self) -> None:
        self._get("/api/v1/me/", "api: GET /api/v1/me/")

    @task(3)
    def usage(self) -> None:
        self._get("/api/v1/usage/", "api: GET /api/v1/usage/")

    @task(3)
    def generation(self) -> None:
        self._get(
            f"/api/v1/generations/{self.account['job']}/", "api: GET /api/v1/generations/[id]/"
        )
