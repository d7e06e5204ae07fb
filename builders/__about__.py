"""The package version, read by hatch at build time and by every build's provenance."""

__version__ = "0.1.0"
