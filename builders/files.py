"""The project's data files (schema/, splits.toml, geosignal.toml, DATASHEET.md, CHANGELOG.md), found in one way.

An installed wheel carries copies inside the package (pyproject's force-include); a source
checkout has them at the repository root. The packaged copy is tried first: beside an installed
package, the parent folder is site-packages, where a file of that name belongs to someone else.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def project_file(name: str) -> Path:
    """The packaged copy of a project file or folder, else the checkout's (which may not exist)."""
    packaged = PACKAGE / name
    return packaged if packaged.exists() else PACKAGE.parent / name
