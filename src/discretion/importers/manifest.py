"""A bundle's ``manifest.csv``: which version of OneRoster, and each file's mode."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from discretion.importers.csvfiles import Normalised, read_rows
from discretion.importers.errors import ImportRejected
from discretion.importers.oneroster import FILES, IGNORED, MODES, REQUIRED, Batch, read_oneroster
from discretion.importers.oneroster12 import FILES12, IGNORED12, REQUIRED12, read_oneroster12

__all__ = ["VERSIONS", "read_manifest", "read_roster"]

Reader = Callable[[Path, dict[str, str], Batch], None]
# version -> files read, files the manifest must declare, files declared and ignored, reader
VERSIONS: dict[str, tuple[Sequence[str], Sequence[str], Sequence[str], Reader]] = {
    "1.1": (tuple(FILES), REQUIRED, IGNORED, read_oneroster),
    "1.2": (tuple(FILES12), REQUIRED12, IGNORED12, read_oneroster12),
}


def read_manifest(folder: Path, notes: Normalised) -> tuple[str, dict[str, str]]:
    """Return the OneRoster version a manifest declares and the mode of each file.

    A mode written in another case (``Bulk``) is read as the standard's, and noted.
    """
    path = folder / "manifest.csv"
    if not path.is_file():
        raise ImportRejected("manifest.csv", None, None, f"not found in {folder}")
    properties = {}
    for row in read_rows(path, ("propertyName", "value")):
        properties[row.text("propertyName", required=True)] = row
    declared_version = properties.get("oneroster.version")
    version = declared_version.text("value") if declared_version else ""
    if declared_version is None or version not in VERSIONS:
        line = declared_version.line if declared_version else None
        known = " or ".join(VERSIONS)
        raise ImportRejected("manifest.csv", line, "value", f"oneroster.version must be {known}")
    files, required, ignored, _ = VERSIONS[version]
    modes = {}
    for name in (*files, *ignored):
        declared = properties.get(f"file.{name}")
        if declared is None:
            if name in required:
                raise ImportRejected("manifest.csv", None, None, f"file.{name} is not declared")
            modes[name] = "absent"
            continue
        modes[name] = declared.token("value", MODES, notes)
        if name in files and modes[name] != "absent" and not (folder / f"{name}.csv").is_file():
            raise ImportRejected(f"{name}.csv", None, None, "the manifest declares it; not found")
    if version == "1.2" and modes["users"] != "absent" and modes["roles"] == "absent":
        row = properties["file.roles"]
        raise ImportRejected(
            "manifest.csv", row.line, "value", "file.roles is absent; 1.2 gives users' roles there"
        )
    return version, modes


def read_roster(folder: Path, batch: Batch) -> None:
    """Read the manifest and every OneRoster file it declares into ``batch``."""
    batch.version, modes = read_manifest(folder, batch.normalised)
    VERSIONS[batch.version][3](folder, modes, batch)
