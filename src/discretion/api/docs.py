"""The interactive API docs at /docs: Swagger UI served from our own host, taking a token.

Swagger UI's files (version 5, which reads OpenAPI 3.1) come from the
``fastapi-swagger`` package (only its files; we do not patch the app), so the docs
work offline and the page makes no request anywhere else. The page has no
inline script (the content security policy forbids it): ``docs.js``, ours,
starts Swagger UI and repeats a signed-in session's CSRF token on writes.
The OpenAPI schema declares the bearer scheme, so "Authorize" takes a token.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["BEARER", "install"]

BEARER = "bearerToken"
STATIC = Path(__file__).parent / "static"
SWAGGER_UI = resources.files("fastapi_swagger") / "resources"

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Discretion API</title>
<link rel="icon" href="/static/swagger-ui/favicon-32x32.png">
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css">
<link rel="stylesheet" href="/static/api/docs.css">
</head>
<body>
<main id="swagger-ui"><h1>Discretion API</h1><p>Loading the interactive docs...</p></main>
<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/api/docs.js"></script>
</body>
</html>
"""


def _with_bearer(app: FastAPI) -> Any:
    """Return an ``openapi`` that adds the bearer scheme to FastAPI's own schema."""
    made = app.openapi

    def openapi() -> dict[str, Any]:
        schema = made()
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes[BEARER] = {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (`discretion token create`), or sign in for a session.",
        }
        # a token, or nothing: public routes need none, a session cookie also works
        schema["security"] = [{BEARER: []}, {}]
        return schema

    return openapi


def install(app: FastAPI) -> None:
    """Serve /docs and its files, and declare the bearer scheme (the app has docs_url=None)."""
    app.mount("/static/swagger-ui", StaticFiles(directory=str(SWAGGER_UI)), "swagger-ui")
    app.mount("/static/api", StaticFiles(directory=STATIC), "api-static")
    app.openapi = _with_bearer(app)  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(PAGE)
