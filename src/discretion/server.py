"""The whole service: the HTTP API with the web pages beside it (what ``discretion serve`` runs).

The API and the web pages are two doors that never import each other; this
module, above both, puts them in one app. The web pages use the API app's
session cookie and store, and add nothing to its OpenAPI schema.
"""

from __future__ import annotations

from fastapi import FastAPI

from discretion import web
from discretion.api import app as api_app
from discretion.api.settings import Settings
from discretion.services import Context

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, context: Context | None = None) -> FastAPI:
    """Build the API app and add the web pages; with no arguments, from the environment.

    Raises:
        NotMigratedError: the database is not migrated (run `discretion db upgrade`).
        LogKeyMissingError: no DISCRETION_LOG_KEY, and not the demo.
    """
    app = api_app.create_app(settings, context)
    web.install(app)
    return app
