"""Streaming ingest of AWS bulk price-list offer files (one service, one or all regions).

An offer file is ``{"formatVersion", "offerCode", "version", "publicationDate",
"products": {sku: product}, "terms": {"OnDemand": {sku: {termCode: term}}, "Reserved": ...}}``.
EC2 regional files are hundreds of MB, so the file is never loaded whole: ijson streams it
twice (pass 1 keeps only products that match a canonical key, pass 2 only their on-demand
terms), one product or term object at a time. Memory stays flat whatever the file size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

import ijson

from pricing.keys import GLOBAL_REGION, REGIONS
from pricing.price_list import KEY_SPECS, PriceParseError, match_product, point_from_offer, product_region
from pricing.pricing_api import FetchResult, collect
from pricing.snapshot import PricePoint

try:  # the C backend is ~20x faster than pure Python
    _IJSON = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - depends on the wheel
    _IJSON = ijson
BACKEND_NAME: str = getattr(_IJSON, "backend", "python")
BUF_SIZE = 1 << 20
# Bounded input (docs/pricing.md § Limits): real offer files nest about 7 deep and hold short strings;
# ijson's prefix stack grows with the square of the depth, so deeper files are refused while streaming.
MAX_OFFER_DEPTH = 64
MAX_OFFER_STRING_BYTES = 1 << 20


class OfferFileError(ValueError):
    """The offer file cannot be read: missing, truncated, not an offer file. Names the file."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"offer file {path}: {problem}")


@dataclass(frozen=True)
class OfferHeader:
    """Top-level metadata of an offer file."""

    offer_code: str
    publication_date: str
    version: str
    format_version: str


_HEADER_FIELDS = {"offerCode": "offer_code", "publicationDate": "publication_date",
                  "version": "version", "formatVersion": "format_version"}


def read_header(fh: IO[bytes], path: Path) -> OfferHeader:
    """Top-level scalars, read until the first container (``products``) starts."""
    found: dict[str, str] = {}
    for prefix, event, value in _IJSON.parse(fh, buf_size=1 << 16):
        if prefix == "" and event == "map_key":
            if value in ("products", "terms"):
                break
        elif prefix in _HEADER_FIELDS and event in ("string", "number"):
            found[_HEADER_FIELDS[prefix]] = str(value)
    if "offer_code" not in found:
        raise OfferFileError(path, "no top-level 'offerCode' before 'products' (not an AWS offer file?)")
    published = found.get("publication_date", "")
    if published:
        try:
            date.fromisoformat(published[:10])
        except ValueError:
            raise OfferFileError(path, f"publicationDate {published[:40]!r} is not a date (YYYY-MM-DD...)") from None
    return OfferHeader(offer_code=found["offer_code"],
                       publication_date=found.get("publication_date", ""),
                       version=found.get("version", ""), format_version=found.get("format_version", ""))


@dataclass
class OfferScan:
    """Result of pass 1: matched SKUs and the regions the file covers."""

    matched: dict[str, list[tuple[str, str]]]
    usagetypes: dict[str, str | None]
    regions: set[str]
    products: int


def scan_products(fh: IO[bytes], service_code: str, regions: Sequence[str] | None,
                  families: Sequence[str] | None) -> OfferScan:
    """Pass 1: keep (sku -> (key, region) pairs) for products matching a wanted key."""
    matched: dict[str, list[tuple[str, str]]] = {}
    usagetypes: dict[str, str | None] = {}
    seen: set[str] = set()
    n = 0
    for sku, product in _IJSON.kvitems(fh, "products", buf_size=BUF_SIZE):
        n += 1
        if not isinstance(product, dict):
            raise PriceParseError(f"products[{sku!r}] is {type(product).__name__}, expected a product object")
        pairs_all = match_product(service_code, product, regions)  # validates 'attributes'
        attrs = product.get("attributes") or {}
        region = product_region({k: str(v) for k, v in attrs.items()})
        if region:
            seen.add(region)
        pairs = [(k, r) for k, r in pairs_all if families is None or KEY_SPECS[k].family in families]
        if pairs:
            matched[str(product.get("sku") or sku)] = pairs
            usagetypes[str(product.get("sku") or sku)] = attrs.get("usagetype")
    return OfferScan(matched=matched, usagetypes=usagetypes, regions=seen, products=n)


def wanted_pairs(service_code: str, regions: Sequence[str] | None, seen_regions: set[str],
                 families: Sequence[str] | None) -> list[tuple[str, str]]:
    """The (key, region) pairs a file of ``service_code`` should price."""
    out: list[tuple[str, str]] = []
    for spec in KEY_SPECS.values():
        if spec.service_code != service_code or (families is not None and spec.family not in families):
            continue
        if spec.scope == "global":
            out.append((spec.key, GLOBAL_REGION))
        elif spec.scope == "edge":
            out.extend((spec.key, r) for r in (regions or REGIONS))
        else:
            out.extend((spec.key, r) for r in (regions or default_regions(seen_regions)))
    return sorted(set(out))


def default_regions(seen_regions: set[str]) -> list[str]:
    """Regions priced when no --region is given: the catalog's regions the file covers.

    An all-region offer file (the usual download) covers ~30 regions, many of which lack some
    catalog instance types; pricing those would fail the refresh for regions no scenario can
    use. A file covering no catalog region is priced for the regions it has.
    """
    in_catalog = sorted(seen_regions & set(REGIONS))
    return in_catalog or sorted(seen_regions)


def ingest_offer_file(path: Path, *, regions: Sequence[str] | None = None,
                      families: Sequence[str] | None = None,
                      on_progress: Callable[[int], None] | None = None,
                      today: date | None = None) -> FetchResult:
    """Stream one offer file into price points; per-key problems become failures.

    Raises OfferFileError when the file is missing, truncated or not an offer file.
    ``on_progress`` gets the number of bytes read so far (for a progress bar).
    """
    path = Path(path)
    if not path.is_file():
        raise OfferFileError(path, "no such file")
    try:
        with path.open("rb") as fh:
            header = read_header(_Progress(fh, None, path), path)
        service_code = header.offer_code
        if not any(s.service_code == service_code for s in KEY_SPECS.values()):
            raise OfferFileError(path, f"offerCode {service_code!r} prices no canonical key")
        with path.open("rb") as fh:
            scan = scan_products(_Progress(fh, on_progress, path), service_code, regions, families)
        found, soft, failures = _read_terms(path, scan, header, today)
    except (ijson.common.IncompleteJSONError, ijson.common.JSONError) as exc:
        raise OfferFileError(path, f"truncated or invalid JSON ({exc})") from None
    except PriceParseError as exc:
        raise OfferFileError(path, f"malformed product: {exc}") from None
    wanted = wanted_pairs(service_code, regions, scan.regions, families)
    wanted_set = set(wanted)
    found = {pair: pts for pair, pts in found.items() if pair in wanted_set}
    soft = {pair: why for pair, why in soft.items() if pair in wanted_set}
    failures = {pair: why for pair, why in failures.items() if pair in wanted_set}
    if regions:
        absent = set(regions) - scan.regions
        for key, r in wanted:
            if r in absent and KEY_SPECS[key].scope == "regional":
                failures.setdefault((key, r), f"region {r} not in offer file {path.name}")
    points = collect(found, wanted, failures, f"offer file {path.name}", soft)
    return FetchResult(points=points, failures=failures, calls=1, items=scan.products)


def _read_terms(path: Path, scan: OfferScan, header: OfferHeader, today: date | None
                ) -> tuple[dict[tuple[str, str], list[PricePoint]], dict[tuple[str, str], str],
                           dict[tuple[str, str], str]]:
    """Pass 2: on-demand terms of the matched SKUs only."""
    found: dict[tuple[str, str], list[PricePoint]] = {}
    failures: dict[tuple[str, str], str] = {}
    pending = set(scan.matched)
    as_of = header.publication_date[:10] or (today or date.today()).isoformat()
    if pending:
        with path.open("rb") as fh:
            # pass 1 read the whole file through the depth guard: no second guard (it would cost ~30% speed)
            for sku, terms in _IJSON.kvitems(fh, "terms.OnDemand", buf_size=BUF_SIZE):
                if sku not in pending:
                    continue
                pending.discard(sku)
                for key, region in scan.matched[sku]:
                    try:
                        p = point_from_offer(key, region, sku, terms, source=f"offer-file:{path.name}:{sku}",
                                             as_of=as_of, usagetype=scan.usagetypes.get(sku))
                    except PriceParseError as exc:
                        failures[(key, region)] = str(exc)
                        continue
                    found.setdefault((key, region), []).append(p)
                if not pending:
                    break
    soft = {pair: f"{pair[0]}: SKU {sku} has no on-demand term (terms.OnDemand)"
            for sku in pending for pair in scan.matched[sku]}
    return found, soft, failures


class _Progress:
    """File wrapper reporting bytes read (ijson calls ``read``) and refusing hostile nesting.

    Each chunk is reduced, at C speed, to its structural characters outside strings: escaped
    backslashes and quotes are dropped, then everything but brackets and quotes, then whole strings.
    Innermost bracket pairs are removed at most MAX_OFFER_DEPTH times; the rounds needed plus the
    opening brackets left over bound the depth reached (conservatively). A string longer than
    MAX_OFFER_STRING_BYTES is refused too.
    """

    def __init__(self, fh: IO[bytes], callback: Callable[[int], None] | None, path: Path | None = None) -> None:
        self._fh = fh
        self._cb = callback
        self._n = 0
        self._path = path or Path(getattr(fh, "name", "?"))
        self._depth = 0
        self._in_string = 0       # bytes of the string still open at the end of the last chunk (0: none)
        self._carry = b""         # trailing backslashes of the last chunk

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self._n += len(data)
        if self._cb is not None:
            self._cb(self._n)
        self._check(data)
        return data

    def _check(self, data: bytes) -> None:
        text = self._carry + data
        stripped = text.rstrip(b"\\")
        self._carry = text[len(stripped):]
        cleaned = stripped.replace(b"\\\\", b"").replace(b'\\"', b"")
        seq = cleaned.translate(None, _NON_STRUCTURAL)
        if self._in_string:
            seq = b'"' + seq
        seq = _STRING_SEQ.sub(b"", seq)
        quote = seq.find(b'"')
        if quote >= 0:
            last = cleaned.rfind(b'"')
            self._in_string = self._in_string + len(cleaned) if last < 0 else len(cleaned) - last
            if self._in_string > MAX_OFFER_STRING_BYTES:
                raise OfferFileError(self._path, f"a string longer than {MAX_OFFER_STRING_BYTES} bytes "
                                                 "(not an AWS offer file)")
            seq = seq[:quote]
        else:
            self._in_string = 0
        rounds = 0
        while rounds <= MAX_OFFER_DEPTH:
            seq, n = _PAIR.subn(b"", seq)
            if not n:
                break
            rounds += 1
        opens = seq.count(b"[") + seq.count(b"{")
        if self._depth + rounds + opens > MAX_OFFER_DEPTH:
            raise OfferFileError(self._path, f"JSON nested deeper than {MAX_OFFER_DEPTH} levels "
                                             "(not an AWS offer file)")
        self._depth = max(0, self._depth + opens - (len(seq) - opens))


_NON_STRUCTURAL = bytes(b for b in range(256) if b not in b'[]{}"')
_STRING_SEQ = re.compile(rb'"[^"]*"')
_PAIR = re.compile(rb"\[\]|\{\}")
