"""INCEpTION round trip: annotation.yaml <-> UIMA CAS XMI, with a type system derived from schema/.

``geosignal export --format inception`` writes one XMI per document (the clean text as its sofa)
and a project zip; ``geosignal import inception`` reads XMIs back into annotation.yaml, changing
only the items that changed in the tool. Needs the optional extra ``inception`` (dkpro-cassis,
ruamel.yaml): nothing else in GeoSignal imports this package.
"""

from __future__ import annotations

EXTRA = "inception"


class MissingExtra(Exception):
    """dkpro-cassis or ruamel.yaml is not installed."""


def require() -> None:
    """Raise MissingExtra, with the line to type, when the extra is not installed."""
    try:
        import cassis  # noqa: F401
        import ruamel.yaml  # noqa: F401
    except ImportError as exc:
        raise MissingExtra(
            f"the INCEpTION round trip needs the optional extra '{EXTRA}' ({exc.name} is missing): "
            f'pip install "geosignal[{EXTRA}]"'
        ) from None
