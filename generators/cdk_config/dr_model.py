"""Disaster-recovery part of the CDK app's config (``dr:`` in ``config/<env>.yaml``; docs/cdk.md § Disaster
recovery). Copied verbatim into every bundle as ``stacks/dr_model.py`` beside ``config_model.py``; it imports
nothing but the standard library, pydantic and model_base.py."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from .model_base import StrictModel

REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$"
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")


class DrConfig(StrictModel):
    """none; backup-copy (the backup rule copies each recovery point to a vault in `region`); warm-standby
    (global-table replicas in `region`, and a scaled-down VPC and EKS cluster there)."""

    mode: Literal["none", "backup-copy", "warm-standby"] = "none"
    region: str | None = Field(default=None, pattern=REGION_PATTERN)
    copy_retention_days: int | None = Field(default=None, ge=1, le=36_500)   # backup-copy: days each copy is kept
    copy_rule_added: bool = False        # backup-copy with pitr-only: a daily rule only for the copy
    source_retention_days: int = Field(default=1, ge=1, le=36_500)           # ... its source recovery point
    availability_zone_names: list[str] = Field(default_factory=list, max_length=6)   # warm-standby VPC
    nat_gateways: int = Field(default=1, ge=1, le=6)
    node_count: int = Field(default=0, ge=0, le=450)    # warm-standby: the floor, on demand
    instance_type: str | None = None
    disk_size_gib: int = Field(default=50, ge=20, le=16384)

    @model_validator(mode="after")
    def _mode(self) -> DrConfig:
        if self.mode == "none":
            return self
        if self.region is None:
            raise ValueError(f"dr.region: required when dr.mode is {self.mode}")
        if self.mode == "backup-copy" and self.copy_retention_days is None:
            raise ValueError("dr.copy_retention_days: required when dr.mode is backup-copy")
        if self.mode == "warm-standby":
            if len(self.availability_zone_names) < 2:
                raise ValueError("dr.availability_zone_names: warm-standby needs at least 2 zones (EKS)")
            if self.node_count < 1 or self.instance_type is None or not _INSTANCE_TYPE.match(self.instance_type):
                raise ValueError("dr.node_count, dr.instance_type: warm-standby needs at least 1 node of a valid "
                                 "instance type")
            bad = [z for z in self.availability_zone_names if not re.fullmatch(re.escape(self.region) + r"[a-z]", z)]
            if bad:
                raise ValueError(f"dr.availability_zone_names: {bad} are not zones of {self.region}")
        return self
