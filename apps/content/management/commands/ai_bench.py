"""Replay an AI workload through the real service layer against the Azure simulator.

    python manage.py ai_bench benchmarks/ai_workload.jsonl [--no-response-cache] --json

Each row (`id`, `t`, `user`, `task`, `prompt`, `output_tokens`, plus the labels `needs` and
`critical`, which only this command reads) goes through `ai_generate`: the same router, prompt
builder, response cache, openai SDK client and ledger as a web request. The simulator speaks
the Azure protocol over HTTP and follows the token, caching and price rules of docs/ai.md, on a
clock driven by `t`. Workload users are created on the plan with gpt-4o and the most AI
requests (Business by default, quota far above the workload) and removed afterwards with their
ledger rows.
"""

import contextlib
import json
import math
import statistics
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from apps.content.ai.ledger import cost_usd
from apps.content.ai.router import MINI, STRONG, RouteDecision
from apps.content.ai.service import ai_generate
from apps.content.ai.testing.azure_server import AzureSimulator, tokens_of
from apps.content.models import UsageRecord
from apps.subscriptions.plans import plan_list
from apps.users.models import User

BASELINE_SYSTEM_TOKENS = 1020
REQUIRED_FIELDS = {"id", "t", "user", "task", "prompt", "output_tokens", "needs", "critical"}


class SimulatedClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))
    return ordered[index]


class Command(BaseCommand):
    help = "Replay an AI workload through the service layer against a simulated Azure OpenAI."

    def add_arguments(self, parser):
        parser.add_argument("workload", type=Path, help="JSON lines file, one request per line")
        parser.add_argument(
            "--no-response-cache",
            action="store_true",
            help="Bypass the response cache (every request reaches the provider)",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object"
        )
        parser.add_argument(
            "--oracle-routing",
            action="store_true",
            help="Route each row by its labels instead of the router: the cost of perfect "
            "routing, the floor to compare a run with",
        )

    def _load(self, path: Path) -> list[dict]:
        if not path.exists():
            raise CommandError(f"No workload at {path}")
        rows = []
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise CommandError(f"Line {number} is not JSON: {exc}") from exc
            missing = REQUIRED_FIELDS - row.keys()
            if missing:
                raise CommandError(f"Line {number} lacks {', '.join(sorted(missing))}")
            rows.append(row)
        if not rows:
            raise CommandError("The workload is empty")
        return sorted(rows, key=lambda row: (row["t"], row["id"]))

    def handle(
        self,
        *args,
        workload: Path,
        no_response_cache: bool,
        as_json: bool,
        oracle_routing: bool = False,
        **options,
    ):
        rows = self._load(workload)
        clock = SimulatedClock()
        run = uuid.uuid4().hex[:8]
        models = {config["deployment"]: config["model"] for config in settings.AI_MODELS.values()}
        caches = {
            alias: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}bench-{run}"}
            for alias, config in settings.CACHES.items()
        }
        bench_plan = max(
            (plan for plan in plan_list() if plan.strong_model),
            key=lambda plan: plan.ai_requests_month,
            default=None,
        )
        busiest = max(Counter(row["user"] for row in rows).values(), default=0)
        if bench_plan is None or bench_plan.ai_requests_month < busiest:
            raise CommandError("No plan includes gpt-4o with enough AI requests for this workload.")
        users: dict[str, User] = {}
        try:
            with (
                AzureSimulator(api_key="bench-key", models=models, clock=clock) as sim,
                override_settings(
                    AI_PROVIDER="azure",
                    AZURE_OPENAI_ENDPOINT=sim.endpoint,
                    AZURE_OPENAI_API_KEY="bench-key",
                    AI_MAX_RETRIES=0,
                    CACHES=caches,
                ),
            ):
                for name in sorted({row["user"] for row in rows}):
                    users[name] = User.objects.create_user(
                        f"bench-{run}-{name}@bench.invalid",
                        password=None,
                        role=User.Role.CREATOR,
                        tier=bench_plan.key,
                        name=name,
                    )
                results = []
                current: dict = {}
                routing = (
                    mock.patch("apps.content.ai.service.route", _oracle(current))
                    if oracle_routing
                    else contextlib.nullcontext()
                )
                with routing:
                    for row in rows:
                        current.update(row)
                        clock.now = float(row["t"])
                        sim.output_tokens = int(row["output_tokens"])
                        result = ai_generate(
                            user=users[row["user"]],
                            task=row["task"],
                            prompt=row["prompt"],
                            regenerate=no_response_cache,
                            clock=clock,
                        )
                        results.append((row, result))
        finally:
            # The workload's users are made up: their ledger rows go too, not anonymised.
            bench_ids = [user.pk for user in users.values()]
            UsageRecord.objects.filter(user__in=bench_ids).delete()
            User.objects.filter(pk__in=bench_ids).delete()

        report = self._report(results, response_cache=not no_response_cache)
        if as_json:
            self.stdout.write(json.dumps(report))
        else:
            for key, value in report.items():
                self.stdout.write(f"{key:28} {value}")

    def _report(self, results, *, response_cache: bool) -> dict:
        strong_model = settings.AI_MODELS[STRONG]["model"]
        baseline = sum(
            cost_usd(
                model=strong_model,
                prompt_tokens=BASELINE_SYSTEM_TOKENS + tokens_of(row["prompt"]),
                cached_tokens=0,
                completion_tokens=int(row["output_tokens"]),
            )
            for row, _result in results
        )
        cost = sum((result.cost_usd for _row, result in results), Decimal("0"))
        strong_rows = [(row, r) for row, r in results if row["needs"] == "strong"]
        critical_rows = [(row, r) for row, r in results if row["critical"]]
        served = [r for _row, r in results if not r.cache_hit]
        cacheable = [r for r in served if r.prompt_tokens >= 1024]
        overheads = [r.overhead_ms for _row, r in results]

        def sent_strong(result) -> bool:
            return result.route.model_key == STRONG

        return {
            "requests": len(results),
            "response_cache": response_cache,
            "cost_usd": round(float(cost), 6),
            "baseline_usd": round(float(baseline), 6),
            "cost_ratio": round(float(cost / baseline), 4) if baseline else None,
            "strong_recall": _share(sum(sent_strong(r) for _row, r in strong_rows), strong_rows),
            "critical_recall": _share(
                sum(sent_strong(r) for _row, r in critical_rows), critical_rows
            ),
            "strong_share": _share(sum(sent_strong(r) for _row, r in results), results),
            "true_strong_share": _share(len(strong_rows), results),
            "prompt_cache_hit_ratio": _share(
                sum(r.cached_tokens > 0 for r in cacheable), cacheable
            ),
            "response_cache_hit_ratio": _share(sum(r.cache_hit for _row, r in results), results),
            "overhead_p50_ms": round(statistics.median(overheads), 3),
            "overhead_p95_ms": round(_percentile(overheads, 0.95), 3),
            "prompt_tokens": sum(r.prompt_tokens for r in served),
            "cached_tokens": sum(r.cached_tokens for r in served),
            "completion_tokens": sum(r.completion_tokens for r in served),
            "fallbacks": sum(r.fallback for r in served),
        }


def _oracle(current: dict):
    """A stand-in for the router that reads the row's labels (benchmark only)."""

    def route(*, task: str, prompt: str, strong_allowed: bool, model=None) -> RouteDecision:
        strong = current["needs"] == STRONG
        return RouteDecision(
            model_key=STRONG if strong else MINI,
            critical=bool(current["critical"]),
            analysis=False,
            long_form=False,
            expected_words=0,
            reason="oracle: the row's label",
        )

    return route


def _share(count: int, population) -> float:
    return round(count / len(population), 4) if population else 0.0
