"""The README's Python example runs, as written, against a live server."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from apps.users.services import api_key_create, link_create
from tests.factories import UserFactory

README = Path(__file__).resolve().parents[2] / "README.md"


def _example() -> str:
    text = README.read_text()
    block = re.search(
        r"<!-- api-example:start -->\s*```python\n(.*?)```\s*<!-- api-example:end -->", text, re.S
    )
    assert block, "the README lost its API example"
    return block.group(1)


@pytest.mark.django_db(transaction=True)
def test_the_readme_script_runs_end_to_end(live_server, tmp_path, settings):
    settings.AI_PROVIDER = "offline"
    creator = UserFactory(handle="luna", tier="pro")
    link_create(user=creator, title="Shop", url="https://shop.example.com/")
    _key, raw = api_key_create(user=creator, name="readme")
    script = tmp_path / "example.py"
    script.write_text(_example())
    env = {**os.environ, "HUNTAZE_URL": live_server.url, "HUNTAZE_KEY": raw}
    result = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "draft:" in result.stdout and "Europe/Paris" in result.stdout
    assert "Shop 0 clicks" in result.stdout and "pro 1 / 1500" in result.stdout
    post = creator.content_items.get()
    assert (post.kind, post.title, post.status) == ("post", "Friday", "scheduled")
