"""Rendering pages: the Jinja2 templates (autoescaped), with what every page shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from discretion.web.browsing import Viewer, settings_of
from discretion.web.forms import CSRF_FIELD, csrf_token

__all__ = ["DEMO_BANNER", "render"]

TEMPLATES = Path(__file__).parent / "templates"
DEMO_BANNER = (
    "This is a demonstration: everyone in it is made up, and nothing here is real "
    "student information."
)

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    auto_reload=False,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(
    request: Request, template: str, viewer: Viewer | None, status: int = 200, **values: Any
) -> HTMLResponse:
    """Render a page with the layout's values: the demo banner, who is signed in, CSRF."""
    page = environment.get_template(template).render(
        demo=settings_of(request).demo,
        demo_banner=DEMO_BANNER,
        viewer=viewer,
        csrf_field=CSRF_FIELD,
        csrf=csrf_token(request),
        path=request.url.path,
        **values,
    )
    return HTMLResponse(page, status_code=status)
