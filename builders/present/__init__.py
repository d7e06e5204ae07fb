"""Presentation: how annotations, statistics and help look to people (terminal and HTML).

Pure renderers, no I/O: ``marks`` turns records into highlighted spans, ``terminal`` and ``page``
draw them, ``arcs`` draws event arguments and links as displaCy-style arcs, ``stats`` lays out
corpus statistics, ``palette`` holds the colours (colour-blind-safe, with their contrast), and
``help`` tidies typer's help screens. The commands in ``builders/cli.py`` only call them.
"""
