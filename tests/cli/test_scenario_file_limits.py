"""Bounded scenario files (issue 14): size, endless files, encoding, aliases, duplicate keys, nesting, booleans.

Each case exits 2 naming the file (or the field), quickly and in bounded memory, with no traceback.
"""
from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.scenario_input import MAX_YAML_ALIASES, load_scenario_file
from sizing.scenario import ScenarioError

runner = CliRunner()

LAUGHS = "".join([
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    *(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")),
    "name: *i\n",
])


def _estimate(path: Path | str) -> tuple[int, str]:
    result = runner.invoke(app, ["estimate", "--scenario", str(path), "--format", "json"])
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.stderr.split())


def _refused_cheaply(path: Path | str, expected: str) -> None:
    tracemalloc.start()
    start = time.process_time()         # CPU time: other processes on a loaded CI machine do not count
    code, err = _estimate(path)
    elapsed = time.process_time() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert code == 2, err
    assert str(path) in err and expected in err
    assert elapsed < 8 and peak < 50 * 2**20, (elapsed, peak)   # tracemalloc slows the pure-Python parser


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "laughs.yaml"
    f.write_text(LAUGHS)
    _refused_cheaply(f, f"more than {MAX_YAML_ALIASES} aliases")


def test_alias_expansion_is_bounded_even_with_few_aliases(tmp_path: Path) -> None:
    wide = "a: &a [" + ", ".join(["x"] * 5000) + "]\n" + "".join(f"k{i}: *a\n" for i in range(8))
    f = tmp_path / "wide.yaml"
    f.write_text(wide)
    _refused_cheaply(f, "more than 20000 values once aliases are expanded")


def test_a_few_aliases_still_work(tmp_path: Path) -> None:
    f = tmp_path / "ok.yaml"
    f.write_text("name: &n pilot\nclient: *n\nconcurrent_users: 120\n")
    assert load_scenario_file(f) == {"name": "pilot", "client": "pilot", "concurrent_users": 120}
    assert _estimate(f)[0] == 0


def test_duplicate_key_is_named_with_its_line(tmp_path: Path) -> None:
    f = tmp_path / "dup.yaml"
    f.write_text("name: first\nconcurrent_users: 10\nname: second\n")
    _refused_cheaply(f, "at line 3, column 1: duplicate key 'name'")


def test_duplicate_key_in_a_nested_mapping(tmp_path: Path) -> None:
    f = tmp_path / "dup2.yaml"
    f.write_text("concurrent_users:\n  low: 5\n  expected: 10\n  low: 6\n")
    _refused_cheaply(f, "at line 4, column 3: duplicate key 'low'")


@pytest.mark.parametrize("text", ["a: " + "[" * 100_000, "a:\n" + "".join(" " * i + "- \n" for i in range(1, 300))])
def test_deep_nesting_is_refused(tmp_path: Path, text: str) -> None:
    f = tmp_path / "deep.yaml"
    f.write_text(text)
    _refused_cheaply(f, "nested deeper than 16 levels")


def test_oversized_file_is_refused_without_reading_it_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "big.yaml"
    f.write_text("name: x\n" + "# padding\n" * 30_000)
    _refused_cheaply(f, "is larger than 256 KB")
    monkeypatch.setenv("TIERSIZER_MAX_SCENARIO_KB", "1024")
    assert _estimate(f)[0] == 0


def test_endless_file_is_refused() -> None:
    _refused_cheaply("/dev/zero", "/dev/zero is larger than 256 KB")


def test_many_unknown_keys_are_refused_quickly(tmp_path: Path) -> None:
    f = tmp_path / "keys.yaml"
    f.write_text("".join(f"k{i}: {i}\n" for i in range(11_000)))
    _refused_cheaply(f, "more than 20000 values")
    f.write_text("".join(f"k{i}: {i}\n" for i in range(300)))
    _refused_cheaply(f, "has 300 keys")


@pytest.mark.parametrize("raw", [b"name: \xff\xfe\n", b"\xfe\xff\x00n", b"name: caf\xc3\n"])
def test_undecodable_bytes_name_the_file(tmp_path: Path, raw: bytes) -> None:
    f = tmp_path / "bin.yaml"
    f.write_bytes(raw)
    _refused_cheaply(f, "is not UTF-8 text")


@pytest.mark.parametrize("raw", [b"name: a\x07b\n", b"\x00\x01\x02", b"name: \x1b[31mred\n"])
def test_control_characters_are_refused(tmp_path: Path, raw: bytes) -> None:
    f = tmp_path / "ctl.yaml"
    f.write_bytes(raw)
    _refused_cheaply(f, "not valid YAML")


@pytest.mark.parametrize(("text", "field"), [
    ("concurrent_users: true\n", "concurrent_users"),
    ("messages_per_user_per_hour: false\n", "messages_per_user_per_hour"),
    ("availability_zones: yes\n", "availability_zones"),  # YAML 1.1 'yes' is a boolean too
    ("hourly_load_pct_of_peak: [" + ", ".join(["true"] * 24) + "]\n", "hourly_load_pct_of_peak"),
    ("llm_models: ['anthropic.claude-haiku-4-5:50', {model: amazon.nova-lite, share_pct: true}]\n", "llm_models"),
])
def test_booleans_are_never_numbers(tmp_path: Path, text: str, field: str) -> None:
    f = tmp_path / "bool.yaml"
    f.write_text(text)
    code, err = _estimate(f)
    assert code == 2 and field in err and "is not a number" in err, err


@pytest.mark.parametrize(("text", "field"), [
    ("name: true\n", "name"), ("client: false\n", "client"), ("region: true\n", "region"),
    ("environment: true\n", "environment"), ("llm_model: true\n", "llm_model"),
    ("purchase_option: true\n", "purchase_option"), ("compliance: [true]\n", "compliance"),
    ("inference_profile: true\n", "inference_profile"),
])
def test_true_is_not_accepted_as_text_or_choice(tmp_path: Path, text: str, field: str) -> None:
    f = tmp_path / "bool.yaml"
    f.write_text(text)
    code, err = _estimate(f)
    assert code == 2 and field in err, err


def test_scenario_error_names_the_file_for_python_callers(tmp_path: Path) -> None:
    f = tmp_path / "dup.yaml"
    f.write_text("a: 1\na: 2\n")
    with pytest.raises(ScenarioError, match="duplicate key 'a'"):
        load_scenario_file(f)


def test_a_number_of_thousands_of_digits_is_named(tmp_path: Path) -> None:
    f = tmp_path / "digits.yaml"
    f.write_text("concurrent_users: " + "9" * 5000 + "\n")     # a ValueError traceback before
    _refused_cheaply(f, "at line 1, column 19: a number of more than 40 digits")
