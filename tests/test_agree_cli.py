"""`geosignal agree` and `geosignal evaluate` end to end, on a small corpus made here: a document
annotated twice (annotation.yaml, annotation.b.yaml) with known differences, and its built dataset."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from builders import validate
from builders.score import second_annotations

from conftest import assert_no_traceback, cli, edit

GOOD = Path(__file__).resolve().parent / "data" / "small" / "good_doc"


@pytest.fixture
def twice(tmp_path: Path) -> Path:
    """good_doc with a times layer ("Thursday", 2024-01-11) and a second annotation: hokkaido typed
    GPE (was LOC), ev_scramble 'generic' (was 'actual'), no stance, and Thursday valued 2024-01-12."""
    corpus = tmp_path / "corpus"
    shutil.copytree(GOOD, corpus / "good_doc")
    first = corpus / "good_doc" / "annotation.yaml"
    second = corpus / "good_doc" / "annotation.b.yaml"
    timex = "  - {id: t_thursday, text: Thursday, type: DATE}\n"  # good_doc's times layer, without a value
    valued = "  - {id: t_thursday, text: Thursday, type: DATE, value: %s}\n"
    text = first.read_text(encoding="utf-8")
    assert timex in text
    first.write_text(text.replace(timex, valued % "2024-01-11"), encoding="utf-8")
    second.write_text(text[: text.index("stances:")] + "stances: []\n\ntimes:\n" + valued % "2024-01-12", encoding="utf-8")
    edit(second, "    type: LOC", "    type: GPE")
    edit(second, "trigger: scrambled\n    realis: actual", "trigger: scrambled\n    realis: generic")
    return corpus


def check_figures(out: dict) -> None:
    layers = out["layers"]
    assert out["documents"] == ["good_doc"]
    assert layers["mentions"]["exact"]["f1"] == 1.0 and layers["mentions"]["exact"]["support"] == 6
    typed = layers["mentions_typed"]["exact"]
    assert (typed["tp"], typed["predicted"], typed["support"]) == (5, 6, 6)  # Hokkaido: LOC vs GPE
    assert typed["labels"]["LOC"] == {"precision": 0.0, "recall": None, "f1": 0.0, "tp": 0, "predicted": 1, "support": 0}
    assert layers["triggers_typed"]["exact"]["f1"] == 1.0
    assert (out["accuracy"]["realis"]["agree"], out["accuracy"]["realis"]["items"]) == (2, 3)
    assert layers["stances"]["overlap"] == {"precision": 0.0, "recall": None, "f1": 0.0, "tp": 0, "predicted": 1, "support": 0}
    assert layers["arguments"]["overlap"]["f1"] == 1.0
    assert layers["links"]["overlap"]["f1"] == 1.0
    assert out["agreement"]["entity_type"]["items"] == 6


def check_times(out: dict) -> None:
    assert out["layers"]["times"]["exact"]["f1"] == 1.0
    assert (out["accuracy"]["times_value"]["agree"], out["accuracy"]["times_value"]["items"]) == (0, 1)
    assert out["layers"]["times_value"]["overlap"]["f1"] == 0.0


def test_agree_on_the_second_annotations_of_a_corpus(twice: Path):
    result = cli("agree", "--corpus", str(twice), "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    check_figures(out)
    check_times(out)
    assert out["mode"] == "agree" and out["reference"].endswith("annotation.b.yaml")


def test_agree_on_two_files_gives_the_same_figures(twice: Path):
    doc = twice / "good_doc"
    result = cli("agree", str(doc / "annotation.yaml"), str(doc / "annotation.b.yaml"), "--format", "json")
    assert result.returncode == 0, result.stderr
    check_figures(json.loads(result.stdout))
    check_times(json.loads(result.stdout))


def test_agree_prints_a_table_with_labels(twice: Path):
    result = cli("agree", "--corpus", str(twice))
    assert result.returncode == 0, result.stderr
    assert "mentions_typed" in result.stdout and "Krippendorff" in result.stdout
    assert "LOC" in result.stdout  # a per-label row
    assert "LOC" not in cli("agree", "--corpus", str(twice), "--no-labels").stdout
    markdown = cli("agree", "--corpus", str(twice), "--format", "markdown").stdout
    assert "| mentions_typed | exact | 0.833 | 0.833 | 0.833 | 6 |" in markdown  # 5 of 6 (Hokkaido)
    source = twice / "good_doc" / "source.txt"  # a document's source names its annotation.yaml
    same = cli("agree", str(source), str(twice / "good_doc" / "annotation.yaml"), "--format", "json")
    assert json.loads(same.stdout)["layers"]["mentions_typed"]["exact"]["f1"] == 1.0


def test_evaluate_a_built_dataset_against_gold_files(twice: Path, tmp_path: Path):
    """PRED from Parquet (the built annotation.yaml) scores as PRED from the YAML file does."""
    (twice / "good_doc" / "annotation.b.yaml").rename(tmp_path / "gold.yaml")
    dist = tmp_path / "dist"
    built = cli("build", "--corpus", str(twice), "--out", str(dist), "--no-cache")
    assert built.returncode == 0, built.stderr
    gold_dir = tmp_path / "gold" / "good_doc"
    gold_dir.mkdir(parents=True)
    shutil.copy(twice / "good_doc" / "source.txt", gold_dir)
    shutil.copy(tmp_path / "gold.yaml", gold_dir / "annotation.yaml")
    result = cli("evaluate", str(tmp_path / "gold"), str(dist), "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    check_figures(out)
    assert out["mode"] == "evaluate" and out["prediction"].endswith("dist")
    check_times(out)  # the dataset's times config scores as the files' times layer does


def test_a_broken_second_annotation_is_a_finding_not_a_traceback(twice: Path):
    edit(twice / "good_doc" / "annotation.b.yaml", "trigger: flew", "trigger: flown")
    result = cli("agree", "--corpus", str(twice), "--format", "json")
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "annotation.b.yaml" in result.stderr and result.stdout == ""


def errors_printed(text: str) -> list[str]:
    return [line for line in text.splitlines() if ": error [" in line]


def test_a_bad_file_gets_the_findings_validate_gives_it_once(twice: Path):
    """agree and evaluate read annotations through the corpus run: a broken annotation.yaml and a
    broken annotation.b.yaml give the findings `validate` gives them (levels 1-3), each printed once."""
    doc = twice / "good_doc"
    edit(doc / "annotation.b.yaml", "trigger: flew", "trigger: flown")  # a quote the text does not hold
    edit(doc / "annotation.yaml", "realis: actual", "realis: maybe")  # not in the schema
    validated = errors_printed(cli("validate", str(twice), "--level", "3", "--no-cache").stdout)
    assert any("annotation.b.yaml" in line for line in validated) and any("annotation.yaml:" in line for line in validated)
    for args in (["agree", "--corpus", str(twice)], ["agree", str(doc / "annotation.yaml"), str(doc / "annotation.b.yaml")],
                 ["evaluate", str(doc), str(twice)]):
        result = cli(*args)
        assert result.returncode == 1 and result.stdout == "", args
        assert errors_printed(result.stderr) == validated, args
    first, second = second_annotations(twice)
    assert first.findings == second.findings and not first.docs and not second.docs
    assert [f for f in validate([twice], level=3).findings if f.is_error] == first.findings


def test_usage_and_nothing_to_compare(tmp_path: Path, twice: Path):
    one = cli("agree", str(twice))
    assert one.returncode == 2 and "both A and B" in one.stderr
    (twice / "good_doc" / "annotation.b.yaml").unlink()
    none = cli("agree", "--corpus", str(twice))
    assert none.returncode == 1 and "annotation.b.yaml" in none.stderr
    missing = cli("evaluate", str(twice), str(tmp_path / "nowhere"), env={"COLUMNS": "400"})
    assert missing.returncode == 2 and f"{tmp_path / 'nowhere'} does not exist" in missing.stderr  # a usage error
    assert_no_traceback(missing)


def test_a_second_annotation_is_not_a_stray_file(twice: Path):
    (twice / "good_doc" / "annotation.c.yaml").write_text("x: 1\n", encoding="utf-8")
    result = cli("validate", str(twice), "--format", "json", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    stray = [f["file"] for f in json.loads(result.stdout)["findings"] if f["code"] == "stray-file"]
    assert stray == [str(twice / "good_doc" / "annotation.c.yaml")]
