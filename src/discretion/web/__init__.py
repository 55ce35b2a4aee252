"""The web pages: server-rendered HTML for people, beside the API.

``install`` adds the pages and their stylesheet to an app that already has
the store (``app.state.context``), the settings (``app.state.settings``)
and the session cookie; ``discretion.server`` does that with the API's app.
This package imports services only, never the API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from discretion.web.advisor import router as advisor_router
from discretion.web.desk import router as desk_router
from discretion.web.desk_requests import router as desk_requests_router
from discretion.web.pages import router
from discretion.web.privacy import router as privacy_router
from discretion.web.privacy_consents import router as consents_router
from discretion.web.privacy_rescind import router as rescind_router
from discretion.web.records_requests import router as records_router
from discretion.web.staff import router as staff_router

__all__ = ["install"]

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Add the pages and their static files to ``app``."""
    app.include_router(router)
    app.include_router(advisor_router)
    app.include_router(privacy_router)
    app.include_router(consents_router)
    app.include_router(rescind_router)
    app.include_router(records_router)
    app.include_router(staff_router)
    app.include_router(desk_router)
    app.include_router(desk_requests_router)
    app.mount("/static/web", StaticFiles(directory=STATIC), "web-static")
