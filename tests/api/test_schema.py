"""The OpenAPI schema: committed, complete, and what the API really answers."""

from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def test_the_committed_schema_is_the_one_the_code_serves(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(fresh))
    assert fresh.read_text() == COMMITTED.read_text(), (
        "The API changed: run `make schema` and commit docs/api/openapi.yaml."
    )


def test_every_operation_documents_its_errors_and_bodies():
    schema = yaml.safe_load(COMMITTED.read_text())
    for path, item in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation["responses"]
            assert {"401", "403", "429"} <= set(responses), (method, path)
            for code, response in responses.items():
                if code.startswith(("4", "5")):
                    media = response["content"]["application/problem+json"]
                    assert media["schema"]["$ref"].endswith("/Problem"), (method, path, code)
            if method in ("post", "put", "patch") and not path.endswith(
                ("/publish/", "/unpublish/", "/archive/", "/duplicate/")
            ):
                assert "requestBody" in operation, (method, path)
            assert operation.get("summary"), (method, path)


# Property tests: schemathesis generates requests from the committed schema and checks the
# answers: never a 5xx, only documented statuses and media types, bodies as documented.

SCHEMA = schemathesis.openapi.from_dict(yaml.safe_load(COMMITTED.read_text()))
SCHEMA.app = WSGIHandler()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Operations that do more than read and write rows (an AI call, an image upload) are
# covered by their own tests; here every other one, with every kind of input.
OPERATIONS = [
    result.ok()
    for result in SCHEMA.get_all_operations()
    if result.ok().path.startswith("/api/v1/")
    and not (result.ok().path == "/api/v1/generations/" and result.ok().method == "post")
    and not result.ok().path.endswith("/image/")
]


@pytest.fixture
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, as a server
    should; the test's transaction lives on it, so (like Django's test client) not here."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_the_test_connection")
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_the_api_answers_as_its_schema_says(operation, owner):
    auth = bearer(owner)
    path_parameters = {"item_id": owner.item.pk, "link_id": str(owner.link.pk)}
    known = {k: v for k, v in path_parameters.items() if "{" + k + "}" in operation.path}

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy(path_parameters=known or None))
    def run(case):
        case.call_and_validate(headers=auth, checks=CHECKS)

    run()
