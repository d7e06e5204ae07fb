from __future__ import annotations

import pytest

from builders.annotation.yamlio import YamlProblem, parse_yaml


def problem(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as info:
        parse_yaml(text)
    return info.value


def test_values_carry_their_lines():
    p = parse_yaml("a: 1\nlist:\n  - x\n  - {text: y, occurrence: 2}\n")
    assert p.data == {"a": 1, "list": ["x", {"text": "y", "occurrence": 2}]}
    assert p.line_of(("list", 1, "occurrence")) == 4
    assert p.line_of(("list", 0)) == 3
    assert p.line_of(("list", 9, "nothing")) == 2  # falls back to the nearest known ancestor


def test_dates_stay_strings_as_written():
    assert parse_yaml("published: 2024-07-10\n").data == {"published": "2024-07-10"}


@pytest.mark.parametrize(
    "text, code, line",
    [
        ("a: &x [1]\nb: *x\n", "yaml-alias", 1),
        ("a: 1\nb:\n  c: 2\n  c: 3\n", "yaml-duplicate-key", 4),
        ("a: !!python/object/apply:os.system [echo hi]\n", "yaml-tag", 1),
        ("a: !custom x\n", "yaml-tag", 1),
        ("a:\n\t- 1\n", "yaml-tab", 2),
        ("a: [1, 2\nb: 3\n", "yaml-syntax", 2),
        ("a: 1\n---\nb: 2\n", "yaml-syntax", 2),
        ("é日本: 1\n" * 3 + "a: b\x07c\n", "yaml-syntax", 4),  # a control character, after multi-byte ones
        ("a: 1\nb: [1, 2\n", "yaml-syntax", 2),  # an error at the end of the file names its last line
        ("a:\n  on: 2\n", "yaml-key", 2),  # YAML 1.1 reads `on` as true
        ("1: x\n", "yaml-key", 1),
    ],
)
def test_refusals_name_a_line(text, code, line):
    p = problem(text)
    assert (p.code, p.line) == (code, line)
    assert p.hint


def test_billion_laughs_is_refused_before_expansion():
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]" for i in range(1, 10)]
    p = problem("\n".join(lines) + "\n")
    assert p.code == "yaml-alias"


def test_python_object_is_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\n"
    problem(text)
    assert not marker.exists()
