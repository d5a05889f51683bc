"""Training and evaluation of the learned router (`ai_router_train`, `ai_router_eval`).

Only these commands import scikit-learn (a development requirement); the web process reads
the weight file with `router_model.py` alone.

- The corpus is every `router_data/*.jsonl` file: one request a line with `task`, `prompt`,
  `needs` (mini | strong), `critical`, `reason` (critical | analysis | longform | simple) and
  `lang`. The public benchmark workload is never read here.
- Features: tf-idf of character n-grams (`router_model.char_ngrams`) and the task type.
  Chosen over sentence embeddings (wordllama) by 5-fold cross-validation: at the same
  critical recall, embeddings sent far more everyday work to gpt-4o.
- Heads: `critical` learns from every row, on the words alone; `analysis` and `long_form`
  learn from the rows that are not critical (a critical row says nothing about whether it
  also needs analysis), on the words and the task type.
- Thresholds come from 5-fold cross-validation: the critical one keeps at least 99 % of the
  critical rows (everything between it and 0.5 is "uncertain" and goes to gpt-4o), the other
  two keep 97 % of their rows.
"""

import gzip
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .router_model import HEADS, MODEL_PATH, RouterModel, char_ngrams
from .task_types import TaskType

CORPUS_DIR = MODEL_PATH.parent
FOLDS = 5
SEED = 0
CRITICAL_RECALL = 0.99
OTHER_RECALL = 0.97
CONFIDENT = 0.5
C = 4.0
MIN_DF = 2
REASONS = ("critical", "analysis", "longform", "simple")


class CorpusError(ValueError):
    """A corpus line that is not a valid labelled request."""


def corpus_read(paths: Iterable[Path]) -> list[dict]:
    """Rows of the given JSONL files, checked; raises CorpusError naming the bad line."""
    rows = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                _check(row)
            except (ValueError, KeyError, TypeError) as exc:
                raise CorpusError(f"{path.name}:{number}: {exc}") from exc
            rows.append(row)
    return rows


def _check(row: dict) -> None:
    if row["task"] not in TaskType.values:
        raise ValueError(f"unknown task {row['task']!r}")
    if not str(row["prompt"]).strip():
        raise ValueError("empty prompt")
    if row["needs"] not in ("mini", "strong") or row["reason"] not in REASONS:
        raise ValueError("needs or reason is not one of the known values")
    if row["critical"] != (row["reason"] == "critical"):
        raise ValueError("critical and reason disagree")
    if (row["needs"] == "mini") != (row["reason"] == "simple"):
        raise ValueError("needs and reason disagree")


def corpus_files(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def _labels(rows: list[dict]):
    import numpy as np

    critical = np.array([row["critical"] for row in rows])
    analysis = np.array([row["reason"] == "analysis" for row in rows])
    long_form = np.array([row["reason"] == "longform" for row in rows])
    return critical, analysis, long_form


def _task_matrix(rows: list[dict]):
    from scipy import sparse

    tasks = list(TaskType.values)
    data = [1.0] * len(rows)
    columns = [tasks.index(row["task"]) for row in rows]
    return sparse.csr_matrix((data, (range(len(rows)), columns)), shape=(len(rows), len(tasks)))


def _fit(rows: list[dict]) -> dict:
    """Fit the vectoriser and the three heads on `rows`; the weights as a model dict
    (thresholds left for the caller)."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=char_ngrams, sublinear_tf=True, min_df=MIN_DF, dtype=np.float64
    )
    text = vectorizer.fit_transform([row["prompt"] for row in rows])
    features = sparse.hstack([text, _task_matrix(rows)]).tocsr()
    critical, analysis, long_form = _labels(rows)
    not_critical = ~critical
    # The critical head reads the words only: people file a leak under "caption" as readily
    # as under "chatbot", and with the task as a feature it learned the corpus's mix of
    # tasks instead (cross-validation: more gpt-4o for the same recall).
    jobs = (
        (text, critical, None),
        (features, analysis, not_critical),
        (features, long_form, not_critical),
    )
    heads = []
    for x, y, mask in jobs:
        classifier = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
        heads.append(classifier.fit(x, y) if mask is None else classifier.fit(x[mask], y[mask]))
    width = text.shape[1]
    vocabulary = vectorizer.vocabulary_
    idf = vectorizer.idf_
    return {
        "features": {
            gram: [round(float(idf[index]), 6)]
            + [round(float(head.coef_[0][index]), 6) for head in heads]
            for gram, index in sorted(vocabulary.items())
        },
        "task_weights": {
            task: [
                round(float(head.coef_[0][width + column]), 6)
                if head.coef_.shape[1] > width
                else 0.0
                for head in heads
            ]
            for column, task in enumerate(TaskType.values)
        },
        "intercepts": [round(float(head.intercept_[0]), 6) for head in heads],
    }


def _model(weights: dict, thresholds: dict, version: str = "cv") -> RouterModel:
    return RouterModel({**weights, "thresholds": thresholds, "version": version})


_PROVISIONAL = {"critical": 0.5, "critical_uncertain": 0.5, "analysis": 0.5, "long_form": 0.5}


def cross_validated_scores(rows: list[dict]) -> tuple[list[dict], list]:
    """Each row scored by a model that never saw it (5 folds, stratified by reason and
    language). Returns (fold models' weights, one Scores per row)."""
    from sklearn.model_selection import StratifiedKFold

    strata = [f"{row['reason']}:{row['lang']}" for row in rows]
    scores: list = [None] * len(rows)
    folds = []
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in splitter.split(rows, strata):
        weights = _fit([rows[i] for i in train])
        model = _model(weights, _PROVISIONAL)
        for i in test:
            scores[i] = model.scores(task=rows[i]["task"], prompt=rows[i]["prompt"])
        folds.append((weights, test))
    return folds, scores


def _threshold_for_recall(values: list[float], recall: float) -> float:
    """The highest threshold that keeps at least `recall` of `values` at or above it."""
    ordered = sorted(values, reverse=True)
    keep = max(1, -(-len(ordered) * recall // 1))  # ceil
    return float(ordered[int(keep) - 1]) if ordered else 0.5


def _critical_threshold(rows: list[dict], scores: list) -> float:
    """The highest threshold at which the router as a whole (vocabulary floor or classifier)
    still keeps CRITICAL_RECALL of the critical rows."""
    from .router import critical_floor

    critical = [row for row in rows if row["critical"]]
    allowed_misses = int(len(critical) * (1 - CRITICAL_RECALL))
    unfloored = sorted(
        score.critical
        for row, score in zip(rows, scores, strict=True)
        if row["critical"]
        and critical_floor(task=row["task"], text=" ".join(row["prompt"].split())) is None
    )
    if len(unfloored) <= allowed_misses:
        return CONFIDENT
    return float(unfloored[allowed_misses])


def thresholds_choose(rows: list[dict], scores: list) -> dict:
    _critical, analysis, long_form = _labels(rows)
    uncertain = _critical_threshold(rows, scores)
    return {
        "critical": max(CONFIDENT, uncertain),
        "critical_uncertain": min(CONFIDENT, uncertain),
        "analysis": _threshold_for_recall(
            [s.analysis for s, a in zip(scores, analysis, strict=True) if a], OTHER_RECALL
        ),
        "long_form": _threshold_for_recall(
            [s.long_form for s, lf in zip(scores, long_form, strict=True) if lf], OTHER_RECALL
        ),
    }


@dataclass(frozen=True)
class Trained:
    data: dict
    cv_decisions: list  # one RouteDecision per corpus row, from a model that never saw it


def router_train(rows: list[dict]) -> Trained:
    """The model for `rows`: weights from all of them, thresholds from cross-validation.
    Deterministic: the same corpus gives the same file (one BLAS thread, so sums are always
    added in the same order)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        thresholds, cv_decisions = _cross_validate(rows)
        data = {**_fit(rows), "thresholds": thresholds}
    # The version names the weights themselves: ledger rows say which model routed them.
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
    data["version"] = digest
    return Trained(data=data, cv_decisions=cv_decisions)


def router_cross_validate(rows: list[dict]) -> list:
    """One RouteDecision per row, each from a model trained without it (what
    `ai_router_eval` reports; no final model is fitted)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _cross_validate(rows)[1]


def _cross_validate(rows: list[dict]) -> tuple[dict, list]:
    """The thresholds chosen by 5-fold cross-validation, and each row's decision."""
    from .router import route

    folds, scores = cross_validated_scores(rows)
    thresholds = {key: round(value, 6) for key, value in thresholds_choose(rows, scores).items()}
    cv_decisions: list = [None] * len(rows)
    for weights, test in folds:
        model = _model(weights, thresholds)
        for i in test:
            cv_decisions[i] = route(
                task=rows[i]["task"], prompt=rows[i]["prompt"], strong_allowed=True, model=model
            )
    return thresholds, cv_decisions


def model_bytes(data: dict) -> bytes:
    """The weight file's bytes: sorted JSON, gzip without a timestamp, so a rebuild from
    the same corpus is byte for byte the same."""
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=9) as handle:
        handle.write(raw)
    return out.getvalue()


# Evaluation --------------------------------------------------------------------------------


def _rate(hits: int, total: int) -> str:
    return f"{hits / total:.3f}" if total else "  -  "


def evaluation_table(rows: list[dict], decisions: list) -> str:
    """Precision, recall and share of each reason and of gpt-4o overall, for all rows and
    per language. Analysis and long form are judged on rows that are not critical."""
    lines = [
        f"{'':<10}{'reason':<11}{'precision':>10}{'recall':>8}{'share':>8}{'true':>8}{'rows':>7}"
    ]
    for lang in ("all", *sorted({row["lang"] for row in rows})):
        picked = [
            (row, decision)
            for row, decision in zip(rows, decisions, strict=True)
            if lang == "all" or row["lang"] == lang
        ]
        checks = {
            # Critical counts what is treated as critical: sure, or unsure and so on gpt-4o.
            "critical": (lambda r: r["critical"], lambda d: d.critical or d.uncertain, False),
            "analysis": (lambda r: r["reason"] == "analysis", lambda d: d.analysis, True),
            "long form": (lambda r: r["reason"] == "longform", lambda d: d.long_form, True),
            "gpt-4o": (lambda r: r["needs"] == "strong", lambda d: d.model_key == "strong", False),
        }
        for name, (truth, said, skip_critical) in checks.items():
            pool = [(r, d) for r, d in picked if not (skip_critical and r["critical"])]
            true_pos = sum(1 for r, d in pool if truth(r) and said(d))
            predicted = sum(1 for _r, d in pool if said(d))
            actual = sum(1 for r, _d in pool if truth(r))
            lines.append(
                f"{lang:<10}{name:<11}{_rate(true_pos, predicted):>10}"
                f"{_rate(true_pos, actual):>8}{_rate(predicted, len(pool)):>8}"
                f"{_rate(actual, len(pool)):>8}{len(pool):>7}"
            )
    return "\n".join(lines)


def decisions_for(rows: list[dict], model: RouterModel | None = None) -> list:
    from .router import route

    return [
        route(task=row["task"], prompt=row["prompt"], strong_allowed=True, model=model)
        for row in rows
    ]


def model_write(data: dict, path: Path = MODEL_PATH) -> int:
    payload = model_bytes(data)
    path.write_bytes(payload)
    return len(payload)


__all__ = [
    "HEADS",
    "CorpusError",
    "corpus_files",
    "corpus_read",
    "decisions_for",
    "evaluation_table",
    "model_bytes",
    "model_write",
    "router_train",
]
