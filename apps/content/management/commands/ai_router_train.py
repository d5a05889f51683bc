"""Rebuild the router's weights from the labelled corpus.

    python manage.py ai_router_train [--output PATH]

Reads every apps/content/ai/router_data/*.jsonl, picks the thresholds by 5-fold
cross-validation and writes apps/content/ai/router_data/model.json.gz (deterministic: the
same corpus gives the same file). Needs the development requirements (scikit-learn).
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Train the AI router's classifiers on the labelled corpus and write the weights."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Where to write (default: the model).")

    def handle(self, *args, output: Path | None = None, **options):
        try:
            from apps.content.ai import router_training as training
        except ImportError as exc:  # pragma: no cover - the dev requirements are missing
            raise CommandError(
                "Training needs scikit-learn: pip install -r requirements-dev.txt"
            ) from exc
        try:
            import sklearn  # noqa: F401
        except ImportError as exc:
            raise CommandError(
                "Training needs scikit-learn: pip install -r requirements-dev.txt"
            ) from exc
        started = time.perf_counter()
        try:
            rows = training.corpus_read(training.corpus_files())
        except training.CorpusError as exc:
            raise CommandError(f"Bad corpus line: {exc}") from exc
        if not rows:
            raise CommandError("The corpus is empty.")
        trained = training.router_train(rows)
        size = training.model_write(trained.data, output or training.MODEL_PATH)
        thresholds = trained.data["thresholds"]
        self.stdout.write(
            f"{len(rows)} requests, {len(trained.data['features'])} n-grams, "
            f"{size / 1024:.0f} KiB written in {time.perf_counter() - started:.1f} s "
            f"(model {trained.data['version']})."
        )
        self.stdout.write(
            "Thresholds: "
            + ", ".join(f"{name} {value:.3f}" for name, value in sorted(thresholds.items()))
        )
        self.stdout.write("\n5-fold cross-validation on the corpus:")
        self.stdout.write(training.evaluation_table(rows, trained.cv_decisions))
