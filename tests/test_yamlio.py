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


# --- the fast path (libyaml events -> values) steps aside for everything the careful path judges ------

import sys  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from builders.annotation import yamlio  # noqa: E402

from conftest import REPO  # noqa: E402

REFUSED = [
    ("a: &x [1]\nb: *x\n", "yaml-alias"),
    ("a: 1\nb:\n  c: 2\n  c: 3\n", "yaml-duplicate-key"),
    ("a: {c: 2, c: 2}\n", "yaml-duplicate-key"),
    ("a: !!python/object/apply:os.system [echo hi]\n", "yaml-tag"),
    ("a: !custom x\n", "yaml-tag"),
    ("a: !!str x\nb: !!int 1\n", None),  # explicit plain tags: the careful path accepts them
    ("a:\n  !custom b: 1\n", "yaml-tag"),
    ("a:\n  <<: {b: 1}\n", "yaml-merge"),
    ("a:\n  on: 2\n", "yaml-key"),
    ("1: x\n", "yaml-key"),
    ("~: x\n", "yaml-key"),
    ("2024-01-01: x\n", "yaml-tag"),
    ("? [a]\n: x\n", "yaml-key"),
    ("a: 0x4D\n", "yaml-number"),
    ("a: 010\n", "yaml-number"),
    ("a: 7_7\n", "yaml-number"),
    ("a: 1:17\n", "yaml-number"),
    ("a: +1\n", "yaml-number"),
    ("a: 0b101\n", "yaml-number"),
    ("a: 1.5\n", None),  # a float: accepted, and flagged for the schema (has_floats)
    ("a: .inf\n", None),
    ("a: &x 1\n", None),  # an anchor nobody uses: accepted by the careful path
    ("a: 1\n---\nb: 2\n", "yaml-syntax"),
    ("a: [1, 2\nb: 3\n", "yaml-syntax"),
    ("a: b\x07c\n", "yaml-syntax"),
    ("a: " + "[" * 70 + "]" * 70 + "\n", "yaml-depth"),
    ("", None),
    ("# only a comment\n", None),
]


@pytest.mark.parametrize("text, code", REFUSED)
def test_the_fast_path_steps_aside_for_what_the_careful_path_judges(text, code):
    assert yamlio._fast(text) is yamlio.SLOW
    if code is None:
        assert parse_yaml(text).data == yamlio._careful(text).data
    else:
        assert problem(text).code == code


def test_the_fast_path_reads_plain_values_as_the_careful_path_does():
    text = ("s: Tokyo\nn: null\nt: ~\ne:\nb: yes\nf: False\ni: 77\nz: -0\nd: 2024-07-10\nm: <<\nq: '010'\n"
            "l: [on, 'x', \"y\", 1, nothing]\nk: {\"on\": 1, 'yes': 2}\nblock: |\n  two\n  lines\n")
    data = yamlio._fast(text)
    assert data is not yamlio.SLOW
    careful = yamlio._careful(text).data
    assert data == careful and repr(data) == repr(careful)  # the same types too (True is not 1)
    assert data["d"] == "2024-07-10" and data["b"] is True and data["z"] == 0 and data["e"] is None


def test_lines_come_from_a_tree_composed_only_when_asked():
    parsed = parse_yaml("a: 1\nlist:\n  - x\n  - {text: y, occurrence: 2}\n")
    assert parsed.root is None  # the fast path built no tree
    assert parsed.line_of(("list", 1, "occurrence")) == 4
    assert parsed.root is not None and parsed.line_of(("list", 0)) == 3


_SCALARS = ["yes", "No", "ON", "off", "true", "False", "y", "n", "~", "null", "NULL", "0", "-0", "7", "-12", "007",
            "0x1F", "0o7", "0b101", "1_000", "+1", "1:17", "1.5", "1e3", ".inf", "-.INF", ".nan", "2024-01-01",
            "2024-01-01 10:00:00", "<<", "=", "text", "Tokyo", "U.S.", "a b", "'quoted'", '"dq"', "'on'", '"1"',
            "&a", "*a", "!t x", "!!str 1", "x: y", "- x", "[]", "{}", "", "é日本"]
_KEYS = ["text", "type", "on", "1", "<<", "~", "'on'", '"1"', "2024-01-01", "n", "kind", "kind", "note"]


def _flow(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value) + "}"
    return value


def _block(pairs, indent: str = "") -> str:
    out = []
    for key, value in pairs:
        if isinstance(value, dict) and value and "nest" in key:
            out.append(f"{indent}{key}:\n" + _block(value, indent + "  "))
        elif isinstance(value, list) and value:
            out.append(f"{indent}{key}:\n" + "".join(f"{indent}  - {_flow(v)}\n" for v in value))
        else:
            out.append(f"{indent}{key}: {_flow(value)}\n")
    return "".join(out)


class _Pairs(dict):  # a "mapping" kept as a list of pairs, so that keys can repeat
    def __init__(self, pairs):
        super().__init__()
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)

    def __bool__(self):
        return bool(self.pairs)


_values = st.recursive(
    st.sampled_from(_SCALARS),
    lambda inner: st.lists(inner, max_size=4) | st.lists(st.tuples(st.sampled_from(_KEYS + ["nest"]), inner), max_size=4).map(_Pairs),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_KEYS + ["nest", "nested"]), _values), min_size=1, max_size=5))
def test_the_fast_path_never_accepts_what_the_careful_path_refuses_and_agrees_on_values(pairs):
    text = _block(pairs)
    fast = yamlio._fast(text)
    try:
        careful = yamlio._careful(text)
    except YamlProblem:
        assert fast is yamlio.SLOW, text
        return
    if fast is not yamlio.SLOW:
        assert fast == careful.data and repr(fast) == repr(careful.data), text
        assert not careful.has_floats


def test_generated_annotation_files_take_the_fast_path_with_the_same_values(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import SHAPES, generate

    for shape in SHAPES:
        corpus = generate(tmp_path / shape, 4, seed=3, shape=shape)
        for path in sorted(corpus.glob("*/annotation.yaml")):
            text = path.read_text(encoding="utf-8")
            fast = yamlio._fast(text)
            assert fast is not yamlio.SLOW and repr(fast) == repr(yamlio._careful(text).data), path
