"""Sphinx configuration for the docs site (`make docs`): MyST Markdown, the default theme."""

project = "Discretion"
author = "Discretion contributors"
extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples", "screenshots"]
myst_heading_anchors = 3  # `[the log](operating.md#the-disclosure-log)` as on GitHub
html_theme = "alabaster"
html_title = "Discretion"
# Links that leave docs/ for README.md and CONTRIBUTING.md are not pages of the site;
# tests/test_docs.py checks that every relative link leads to a file that exists.
suppress_warnings = ["myst.xref_missing"]
