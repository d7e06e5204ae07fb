"""Help screens that say only what is true: a flag takes no value, so it shows no ``<bool>``.

typer (0.29) writes a type placeholder after every option, flags included (``--no-cache
<bool>``, ``--help <bool>``), which reads as if the flag wanted a value. These command and group
classes give every flag an empty metavar, the one thing typer's help leaves out. The CLI uses
them for every command (``@app.command(cls=Command)``) and group (``typer.Typer(cls=Group)``).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup

# -h as well as --help, everywhere (click hands the setting down to every sub-command's context)
CONTEXT = {"help_option_names": ["-h", "--help"]}


def _without_placeholders(params: list[Any]) -> list[Any]:
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _without_placeholders(super().get_params(ctx))


class Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _without_placeholders(super().get_params(ctx))
