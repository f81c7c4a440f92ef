"""The usage file: monthly quantities for the usage-priced resources, keyed by logical resource ID
(Infracost's usage-file idea). Format (docs/price-template.md § Usage file):

    version: 1
    resources:
      NatGatewayA: {data_processed_gb: 120}
      ChatsTable: {write_request_units: 3.2e6, read_request_units: 9e6, storage_gb: 4}

A resource is named by its logical ID, or `STACK/LogicalId` when the ID is in several stacks. Unknown
resources, unknown keys for the resource's type and quantities that are not finite numbers in
[0, MAX_USAGE] are errors naming the file and the field. The optional `outside:` section gives what no
template resource carries (pricing/template/outside.py).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from pricing.bounded_yaml import BoundedLoader
from pricing.template.outside import allowed_keys
from pricing.template.reader import Template, TemplateInputError, parse_document, read_text

USAGE_VERSION = 1
MAX_USAGE_BYTES = 1024 * 1024
MAX_USAGE = Decimal(10) ** 15              # a quantity per month (requests, GB); larger is a typo or hostile


class UsageLoader(BoundedLoader):
    max_depth = 8
    max_aliases = 32
    max_nodes = 100_000


# YAML 1.2 floats too, so `3.2e6` and `1e6` are numbers (YAML 1.1 wants `3.2e+6`).
UsageLoader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
    r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$"), list("-+0123456789."))


#: (stack, logical ID) -> {usage key: monthly quantity}
Usage = Mapping[tuple[str, str], Mapping[str, Decimal]]
#: `outside` entry name (`account`, `k8s:Ingress/NAME`) -> {usage key: monthly quantity}
Outside = Mapping[str, Mapping[str, Decimal]]


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TemplateInputError(where, f"must be a number (a monthly quantity), got {value!r}"[:200])
    if isinstance(value, float) and not math.isfinite(value):
        raise TemplateInputError(where, f"must be a finite number, got {value!r}")
    if isinstance(value, int) and abs(value) > MAX_USAGE:
        raise TemplateInputError(where, f"out of range: at most {MAX_USAGE:.0e} per month")
    dec = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if dec < 0:
        raise TemplateInputError(where, f"must be >= 0, got {value!r}")
    if dec > MAX_USAGE:
        raise TemplateInputError(where, f"out of range: at most {MAX_USAGE:.0e} per month, got {value!r}")
    return dec


def _find(name: str, templates: tuple[Template, ...], where: str) -> Template:
    """The template holding resource `name` (`LogicalId` or `STACK/LogicalId`)."""
    stack, _, lid = name.rpartition("/")
    found = [t for t in templates if lid in t.resources and (not stack or t.stack == stack)]
    if not found:
        raise TemplateInputError(where, f"no resource {name!r} in the template(s) "
                                 f"({sum(len(t.resources) for t in templates)} resources in "
                                 f"{', '.join(t.stack for t in templates)})"[:400])
    if len(found) > 1:
        raise TemplateInputError(where, f"{lid!r} is in several stacks ({', '.join(t.stack for t in found)}); "
                                 f"write STACK/{lid}")
    return found[0]


def _outside(doc: Any, path: Path) -> dict[str, dict[str, Decimal]]:
    """The `outside` section: `account` and `k8s:Ingress/NAME` entries, each a mapping of its usage keys."""
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise TemplateInputError(f"{path}: outside", "must map `account` or `k8s:Ingress/NAME` to usage mappings")
    out: dict[str, dict[str, Decimal]] = {}
    for name, values in doc.items():
        where = f"{path}: outside.{name}"
        allowed = allowed_keys(str(name))
        if allowed is None:
            raise TemplateInputError(where, "unknown entry; allowed: `account`, `k8s:Ingress/NAME`")
        if not isinstance(values, dict):
            raise TemplateInputError(where, f"must be a mapping of usage keys ({', '.join(allowed)})")
        for key in values:
            if key not in allowed:
                raise TemplateInputError(f"{where}.{key}", "unknown usage key; allowed: " + ", ".join(allowed))
        out[str(name)] = {str(k): _number(v, f"{where}.{k}") for k, v in values.items()}
    return out


def read_usage(path: Path, templates: tuple[Template, ...], keys_for: Mapping[str, tuple[str, ...]]
               ) -> tuple[Usage, Outside]:
    """Read and check the usage file against the templates (`keys_for` gives each type's usage keys): the
    resources' usage and the `outside` entries."""
    doc = parse_document(read_text(path, MAX_USAGE_BYTES, "usage file"), path, UsageLoader, "usage file")
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise TemplateInputError(str(path), f"a usage file is a mapping, not a {type(doc).__name__}")
    extra = sorted(set(doc) - {"version", "resources", "outside"}, key=str)
    if extra:
        raise TemplateInputError(f"{path}: {extra[0]}",
                                 "unknown key; a usage file has `version`, `resources` and `outside`")
    if doc.get("version", USAGE_VERSION) != USAGE_VERSION:
        raise TemplateInputError(f"{path}: version", f"must be {USAGE_VERSION}, got {doc.get('version')!r}")
    resources = doc.get("resources") or {}
    if not isinstance(resources, dict):
        raise TemplateInputError(f"{path}: resources", "must map logical resource IDs to usage mappings")
    out: dict[tuple[str, str], dict[str, Decimal]] = {}
    for name, values in resources.items():
        where = f"{path}: resources.{name}"
        tpl = _find(str(name), templates, where)
        lid = str(name).rpartition("/")[2]
        rtype = tpl.resources[lid]["Type"]
        allowed = keys_for.get(rtype, ())
        if not isinstance(values, dict):
            raise TemplateInputError(where, f"must be a mapping of usage keys ({', '.join(allowed) or 'none'})")
        if not allowed and values:
            raise TemplateInputError(where, f"{rtype} takes no usage (it is priced from the template or not at all)")
        got: dict[str, Decimal] = {}
        for key, value in values.items():
            if key not in allowed:
                raise TemplateInputError(f"{where}.{key}", f"unknown usage key for {rtype}; allowed: "
                                         + ", ".join(allowed))
            got[str(key)] = _number(value, f"{where}.{key}")
        if (tpl.stack, lid) in out:
            raise TemplateInputError(where, f"usage for {tpl.stack}/{lid} given twice")
        out[(tpl.stack, lid)] = got
    return out, _outside(doc.get("outside"), path)
