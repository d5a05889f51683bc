"""The learned half of the router: three logistic classifiers (critical, analysis, long form)
over character n-grams of the request and its task type, read from a small weight file that
`ai_router_train` writes from the labelled corpus in `router_data/`.

Character n-grams carry meaning past exact words: typos, slang, inflections and French
accents still share most of their n-grams with the examples. Scoring is plain Python (a
dictionary look-up per n-gram), so the web process loads no numerical library: the weights
take a few MB and a request is scored in well under a millisecond.

Training (`router_training.py`) feeds these same functions to scikit-learn, so a request is
cut into n-grams the same way at training and at run time.
"""

import gzip
import json
import math
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "router_data" / "model.json.gz"
NGRAM_MIN, NGRAM_MAX = 2, 5
HEADS = ("critical", "analysis", "long_form")


def normalize(text: str) -> str:
    """Lowercase, accents dropped (é -> e), whitespace collapsed: how creators type varies."""
    text = text.lower()
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(text.split())


def char_ngrams(text: str) -> list[str]:
    """The 2- to 5-character pieces of each word, the word padded with a space each side so
    that beginnings and endings count as features of their own."""
    grams = []
    for word in normalize(text).split(" "):
        padded = f" {word} "
        for size in range(NGRAM_MIN, NGRAM_MAX + 1):
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


@dataclass(frozen=True)
class Scores:
    """The probability of each reason of the rubric, from the classifiers."""

    critical: float
    analysis: float
    long_form: float

    def as_dict(self) -> dict[str, float]:
        return {head: round(getattr(self, head), 4) for head in HEADS}


@dataclass(frozen=True)
class Thresholds:
    """Chosen by cross-validation when the model is trained (see router_training.py)."""

    critical: float  # at or above: critical
    critical_uncertain: float  # at or above (and below `critical`): unsure, so gpt-4o
    analysis: float
    long_form: float


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


class RouterModel:
    """The trained classifiers. `scores()` reproduces scikit-learn's TfidfVectorizer
    (sublinear tf, l2 norm) followed by a logistic regression per head, plus a weight per
    task type."""

    def __init__(self, data: dict):
        self.version: str = data["version"]
        self.thresholds = Thresholds(**data["thresholds"])
        # n-gram -> (idf, weight of each head)
        self._features: dict[str, tuple[float, ...]] = {
            gram: tuple(values) for gram, values in data["features"].items()
        }
        self._task_weights: dict[str, tuple[float, ...]] = {
            task: tuple(values) for task, values in data["task_weights"].items()
        }
        self._intercepts: tuple[float, ...] = tuple(data["intercepts"])

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "RouterModel":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls(json.load(handle))

    def scores(self, *, task: str, prompt: str) -> Scores:
        features = self._features
        log = math.log
        critical = analysis = long_form = norm = 0.0
        # The three heads unrolled: this loop runs once per n-gram of every request.
        for gram, count in Counter(char_ngrams(prompt)).items():
            entry = features.get(gram)
            if entry is None:
                continue
            idf, w_critical, w_analysis, w_long = entry
            value = idf if count == 1 else (1.0 + log(count)) * idf
            norm += value * value
            critical += value * w_critical
            analysis += value * w_analysis
            long_form += value * w_long
        scale = 1.0 / math.sqrt(norm) if norm else 0.0
        task_weights = self._task_weights.get(task, (0.0,) * len(HEADS))
        dots = (critical, analysis, long_form)
        return Scores(
            *(
                _sigmoid(dots[head] * scale + task_weights[head] + self._intercepts[head])
                for head in range(len(HEADS))
            )
        )


@cache
def router_model() -> RouterModel:
    """The model, loaded once per process on first use."""
    return RouterModel.load()
