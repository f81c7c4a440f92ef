"""Reading CloudFormation templates (JSON, or YAML with the short-form tags `!Ref`, `!GetAtt`, `!Sub`, ...)
and `cdk.out` folders, bounded in size, nesting, aliases and resource count; errors name the file and field.

A template's YAML short forms become the long forms CloudFormation defines: `!Ref X` -> `{"Ref": "X"}`,
`!GetAtt A.B` -> `{"Fn::GetAtt": ["A", "B"]}`, `!Sub s` -> `{"Fn::Sub": "s"}` (every other `!Name` likewise
`{"Fn::Name": ...}`, `!Condition` -> `{"Condition": ...}`), so the pricers see one shape.
"""
from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from pricing.bounded_yaml import BoundedLoader, parse_bounded
from pricing.files import read_bounded
from pricing.snapshot import json_too_deep

# Bounded input (docs/price-template.md § Limits). CloudFormation itself accepts 1 MB templates of 500 resources.
MAX_TEMPLATE_MB_DEFAULT = 4                # env TIERSIZER_MAX_TEMPLATE_MB
MAX_TEMPLATE_DEPTH = 64                    # a CDK template nests about 12 deep
MAX_TEMPLATE_NODES = 500_000               # YAML values after alias expansion
MAX_RESOURCES = 2_000                      # per template
MAX_TEMPLATES = 200                        # per cdk.out folder
MANIFEST_MAX_BYTES = 4 * 1024 * 1024
_ENV = re.compile(r"^aws://[^/]*/([a-z0-9-]+)$")


class TemplateInputError(ValueError):
    """Bad input: `where` names the file and field (or the option), `problem` says what is wrong."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True, slots=True)
class Template:
    """One template: its file, stack name, resources and parameters (both mappings as written)."""

    path: Path
    stack: str
    resources: dict[str, dict[str, Any]]
    parameters: dict[str, Any]
    region: str | None = None          # the stack's Region from cdk.out/manifest.json (a DR stack's own Region)


@dataclass(frozen=True, slots=True)
class TemplateSet:
    """The templates read from the paths given, the region a cdk.out manifest names, and notes."""

    templates: tuple[Template, ...]
    region: str | None = None
    notes: tuple[str, ...] = field(default=())


class CfnLoader(BoundedLoader):
    """Bounded SafeLoader that turns CloudFormation short-form tags into their long (JSON) forms."""

    max_depth = MAX_TEMPLATE_DEPTH
    max_aliases = 32
    max_nodes = MAX_TEMPLATE_NODES


def _short_form(loader: CfnLoader, suffix: str, node: Any) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref" or suffix == "Condition":
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _short_form)


def max_template_bytes() -> int:
    """The largest template read: TIERSIZER_MAX_TEMPLATE_MB megabytes (default 4)."""
    raw = os.environ.get("TIERSIZER_MAX_TEMPLATE_MB", "").strip()
    try:
        mb = float(raw) if raw else MAX_TEMPLATE_MB_DEFAULT
    except ValueError:
        mb = MAX_TEMPLATE_MB_DEFAULT
    return int(max(mb, 0.001) * 1024 * 1024)


def read_text(path: Path, limit: int, what: str) -> str:
    """At most `limit` bytes of `path` as UTF-8 text; TemplateInputError naming the file otherwise."""
    try:
        raw = read_bounded(path, limit + 1)
    except OSError as exc:
        raise TemplateInputError(str(path), f"cannot read the {what}: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise TemplateInputError(str(path), f"larger than {limit / (1024 * 1024):g} MB; a {what} is smaller "
                                 "(raise TIERSIZER_MAX_TEMPLATE_MB to read it)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TemplateInputError(str(path), f"not UTF-8 text (byte {exc.start})") from None


def parse_document(text: str, path: Path, loader: type[BoundedLoader], what: str) -> Any:
    """JSON (when it starts with `{`) or YAML, bounded; TemplateInputError naming the file and line."""
    if text.lstrip().startswith("{"):
        if json_too_deep(text.encode("utf-8"), loader.max_depth):
            raise TemplateInputError(str(path), f"JSON nested deeper than {loader.max_depth} levels")
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            problem = f"not valid JSON ({exc}); a {what} is JSON or YAML"
        try:                                          # YAML in flow style starts with `{` too
            return parse_bounded(text, loader)
        except (yaml.YAMLError, RecursionError, ValueError):
            raise TemplateInputError(str(path), problem) from None
    try:
        return parse_bounded(text, loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise TemplateInputError(str(path), f"not valid JSON or YAML{where}: "
                                 f"{getattr(exc, 'problem', None) or exc}") from None
    except (RecursionError, ValueError) as exc:
        raise TemplateInputError(str(path), f"not a readable {what}: {str(exc)[:120]}") from None


def read_template(path: Path, stack: str | None = None) -> Template:
    """One CloudFormation template file, checked: a mapping with a `Resources` mapping of typed resources."""
    doc = parse_document(read_text(path, max_template_bytes(), "template"), path, CfnLoader, "template")
    if not isinstance(doc, dict):
        raise TemplateInputError(str(path), f"a template is a mapping, not a {type(doc).__name__}")
    resources = doc.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateInputError(f"{path}: Resources", "missing or not a mapping of resources "
                                 "(not a CloudFormation template?)")
    if len(resources) > MAX_RESOURCES:
        raise TemplateInputError(f"{path}: Resources", f"{len(resources):,} resources; at most {MAX_RESOURCES:,}")
    for lid, res in resources.items():
        if not isinstance(res, dict) or not isinstance(res.get("Type"), str) or not res["Type"]:
            raise TemplateInputError(f"{path}: Resources.{lid}.Type", "every resource needs a Type string")
        if not isinstance(res.get("Properties", {}), dict):
            raise TemplateInputError(f"{path}: Resources.{lid}.Properties", "not a mapping")
    params = doc.get("Parameters") or {}
    if not isinstance(params, dict):
        raise TemplateInputError(f"{path}: Parameters", "not a mapping")
    name = stack or path.name.removesuffix(".template.json").rsplit(".", 1)[0]
    return Template(path=path, stack=name, resources={str(k): v for k, v in resources.items()}, parameters=params)


def _manifest(folder: Path) -> tuple[dict[str, str], set[str], dict[str, str]]:
    """{template file name: stack name}, the regions the stacks name and {template file name: region}, from
    cdk.out/manifest.json."""
    path = folder / "manifest.json"
    if not path.is_file():
        return {}, set(), {}
    doc = parse_document(read_text(path, MANIFEST_MAX_BYTES, "CDK manifest"), path, CfnLoader, "CDK manifest")
    artifacts = doc.get("artifacts") if isinstance(doc, dict) else None
    if not isinstance(artifacts, dict):
        raise TemplateInputError(f"{path}: artifacts", "missing or not a mapping (not a cdk.out manifest?)")
    stacks, regions, by_file = {}, set(), {}
    for name, art in artifacts.items():
        if not isinstance(art, dict) or art.get("type") != "aws:cloudformation:stack":
            continue
        props = art.get("properties") if isinstance(art.get("properties"), dict) else {}
        m = _ENV.match(str(art.get("environment", "")))
        if isinstance(props.get("templateFile"), str):
            stacks[props["templateFile"]] = str(name)
            if m and m[1] != "unknown-region":
                by_file[props["templateFile"]] = m[1]
        if m and m[1] != "unknown-region":
            regions.add(m[1])
    return stacks, regions, by_file


def read_cdk_out(folder: Path) -> TemplateSet:
    """Every top-level `*.template.json` of a cdk.out folder; nested stacks and assets are left out, with a note."""
    stacks, regions, by_file = _manifest(folder)
    files = sorted(folder.glob("*.template.json"))
    nested = [f for f in files if f.name.endswith(".nested.template.json")]
    files = [f for f in files if f not in nested]
    if not files:
        raise TemplateInputError(str(folder), "no *.template.json in this folder (run `cdk synth` first?)")
    if len(files) > MAX_TEMPLATES:
        raise TemplateInputError(str(folder), f"{len(files)} templates; at most {MAX_TEMPLATES}")
    notes = []
    if nested:
        notes.append(f"{folder}: {len(nested)} nested stack template(s) not priced: " + ", ".join(f.name for f in nested))
    assets = sorted(p.name for p in folder.glob("asset.*"))
    if assets:
        notes.append(f"{folder}: {len(assets)} asset(s) (Lambda code, files) not priced")
    region = next(iter(regions)) if len(regions) == 1 else None
    if len(regions) > 1:     # a DR Region's stacks: each stack priced in its own Region unless --region is given
        counts = Counter(by_file.values())
        region = max(sorted(counts), key=lambda r: counts[r])
        notes.append(f"{folder}/manifest.json names several regions ({', '.join(sorted(regions))}): each stack is "
                     f"priced in its own Region (--region prices them all in one)")
    templates = tuple(replace(read_template(f, stacks.get(f.name)), region=by_file.get(f.name)) for f in files)
    return TemplateSet(templates, region, tuple(notes))


def read_paths(paths: list[Path]) -> TemplateSet:
    """Templates from files and cdk.out folders; the region is the manifests' one when they agree."""
    templates: list[Template] = []
    regions: set[str] = set()
    notes: list[str] = []
    for path in paths:
        if path.is_dir():
            found = read_cdk_out(path)
            templates += found.templates
            notes += found.notes
            regions |= {found.region} if found.region else set()
        elif path.is_file() or path.exists():
            templates.append(read_template(path))
        else:
            raise TemplateInputError(str(path), "no such file or folder")
    stacks = [t.stack for t in templates]
    for name in {s for s in stacks if stacks.count(s) > 1}:
        dup = [str(t.path) for t in templates if t.stack == name]
        raise TemplateInputError(dup[-1], f"stack name {name!r} given twice ({', '.join(dup)})")
    return TemplateSet(tuple(templates), next(iter(regions)) if len(regions) == 1 else None, tuple(notes))
