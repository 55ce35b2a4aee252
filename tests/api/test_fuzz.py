"""Schemathesis against the app's own OpenAPI schema, on SQLite and PostgreSQL.

Every operation the schema documents gets a bounded number of generated
requests, valid (positive) and invalid (negative), each sent as the
Registrar (who may call most routes) and as a student. No answer may be a
5xx; a valid request's answer must also fit the schema the app documents.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from discretion.services import Context
from tests.api.conftest import make_api

EXAMPLES = 20
CHECKS = {
    GenerationMode.POSITIVE: [not_a_server_error, response_schema_conformance],
    # an invalid request is refused with a documented 4xx; only a 5xx is a failure here
    GenerationMode.NEGATIVE: [not_a_server_error],
}


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_no_server_error_and_no_answer_off_its_schema(
    campus_db: Context, mode: GenerationMode
) -> None:
    api = make_api(campus_db, public_rate_limit=1_000_000)
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 30  # every documented operation, not a handful
    checks = CHECKS[mode]
    sent = 0
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def fuzz(case: Any) -> None:
            nonlocal sent
            for principal in ("registrar", "student"):
                case.call_and_validate(headers=api.auth(principal), checks=checks)
                sent += 1

        try:
            fuzz()
        except Unsatisfiable:
            # an operation with no parameter and no body has no invalid form to send
            assert mode is GenerationMode.NEGATIVE, operation.label
    assert sent >= len(operations) * 2
