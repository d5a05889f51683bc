"""Turn a labelled router file (task, prompt, needs, critical, reason, lang) into an
`ai_bench` workload, so cost can be measured on requests written by people:

    python benchmarks/labelled_to_workload.py benchmarks/router_heldout.jsonl > /tmp/w.jsonl
    python manage.py ai_bench /tmp/w.jsonl --json                   # the router
    python manage.py ai_bench /tmp/w.jsonl --json --oracle-routing  # the floor

Deterministic: a request every 4 seconds from 25 creators in turn; the answer's length is
the task's typical length (1,100 words for long form) at 1.35 tokens a word.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from apps.content.ai.task_types import TYPICAL_WORDS


def main(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    for index, row in enumerate(rows):
        words = TYPICAL_WORDS.get(row["task"], 150)
        if row["reason"] == "longform":
            words = max(words, 1100)
        print(
            json.dumps(
                {
                    "id": index,
                    "t": index * 4.0,
                    "user": f"creator_{index % 25:03d}",
                    "task": row["task"],
                    "prompt": row["prompt"],
                    "output_tokens": round(words * 1.35),
                    "needs": row["needs"],
                    "critical": row["critical"],
                },
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main(sys.argv[1])
