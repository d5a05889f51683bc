"""Measure the router.

    python manage.py ai_router_eval [FILE ...]

Prints precision, recall and share of each reason (critical, analysis, long form) and of
gpt-4o overall, for all requests and per language: first by 5-fold cross-validation on the
corpus (each request scored by a model trained without it), then, for each FILE (JSONL with
the corpus's labels), by the committed model, which never saw it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Precision, recall and share of the AI router per reason and language."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="Held-out labelled requests.")
        parser.add_argument(
            "--no-cv", action="store_true", help="Skip the cross-validation on the corpus."
        )

    def handle(self, *args, files: list[Path], no_cv: bool = False, **options):
        from apps.content.ai import router_training as training

        if not no_cv:
            try:
                import sklearn  # noqa: F401
            except ImportError as exc:
                raise CommandError(
                    "Cross-validation needs scikit-learn: pip install -r requirements-dev.txt "
                    "(or pass --no-cv)"
                ) from exc
            rows = training.corpus_read(training.corpus_files())
            decisions = training.router_cross_validate(rows)
            self.stdout.write(f"5-fold cross-validation on the corpus ({len(rows)} requests):")
            self.stdout.write(training.evaluation_table(rows, decisions))
        for path in files:
            if not path.exists():
                raise CommandError(f"No such file: {path}")
            try:
                rows = training.corpus_read([path])
            except training.CorpusError as exc:
                raise CommandError(f"Bad line: {exc}") from exc
            self.stdout.write(f"\n{path} ({len(rows)} requests), committed model:")
            self.stdout.write(training.evaluation_table(rows, training.decisions_for(rows)))
