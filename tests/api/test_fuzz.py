"""Schemathesis against the app's own OpenAPI schema, on SQLite and PostgreSQL.

Every operation the schema documents gets a bounded number of generated
requests, sent as the Registrar (who may call most routes) and as a student;
no answer may be a 5xx or break the schema the app documents for it.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from discretion.services import Context
from tests.api.conftest import make_api

EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance]


def test_no_server_error_and_no_answer_off_its_schema(campus_db: Context) -> None:
    api = make_api(campus_db, public_rate_limit=1_000_000)
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 30  # every documented operation, not a handful
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def fuzz(case: Any) -> None:
            for principal in ("registrar", "student"):
                case.call_and_validate(headers=api.auth(principal), checks=CHECKS)

        fuzz()
