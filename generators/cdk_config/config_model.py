"""Typed configuration of the generated AWS CDK app (one file per environment): the pydantic model.

This module is copied verbatim into every generated bundle as
``cdk/stacks/config_model.py``, so the model lives in exactly one place: the
generator validates with it before writing ``config/<env>.yaml`` and the CDK app
validates the same YAML with it again at synth time.  It must therefore import
nothing but the standard library, pydantic and the model modules copied beside it.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .addons_model import AlbControllerConfig, KarpenterConfig
from .compliance_model import ComplianceConfig
from .dr_model import DrConfig
from .model_base import NAMESPACE_PATTERN, SERVICE_ACCOUNT_PATTERN
from .model_base import StrictModel as _Model

#: Retention values CloudWatch Logs accepts (``PutRetentionPolicy``), in days.
CLOUDWATCH_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)
#: Logical names of the customer-managed KMS keys the security stack can create.
KMS_KEY_NAMES: tuple[str, ...] = ("dynamodb", "s3", "ebs", "logs", "secrets", "eks")
#: Interface VPC endpoints the network stack can create (service suffix after ``com.amazonaws.<region>.``).
INTERFACE_ENDPOINT_NAMES: tuple[str, ...] = (
    "ec2", "ecr.api", "ecr.dkr", "sts", "logs", "elasticloadbalancing", "secretsmanager",
    "kms", "xray", "monitoring", "autoscaling", "bedrock-runtime", "eks", "eks-auth",
)
#: Endpoints EKS worker nodes need when private subnets have no NAT gateway.
ENDPOINTS_REQUIRED_WITHOUT_NAT: tuple[str, ...] = (
    "ec2", "ecr.api", "ecr.dkr", "sts", "logs", "elasticloadbalancing",
)

_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")
_TAG_VALUE = re.compile(r"^[\w .:/=+\-@]{0,256}$")
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")
_ARM_FAMILY = re.compile(r"^(a1|[a-z]+\d+g[a-z]*)\.")
_GPU_FAMILY = re.compile(r"^(g\d|p\d)[a-z]*\.")


class NetworkConfig(_Model):
    """VPC layout: zones, NAT gateways and optional interface endpoints."""

    availability_zones: int = Field(ge=2, le=6, description="zones the VPC spans (EKS needs >= 2)")
    nat_gateways: int = Field(ge=0, le=6)
    vpc_cidr: str = "10.0.0.0/16"
    availability_zone_names: list[str] = Field(min_length=2, max_length=6)
    interface_endpoints: list[str] = Field(default_factory=list)

    @field_validator("vpc_cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            net = ipaddress.IPv4Network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"must be an IPv4 network such as 10.0.0.0/16 ({exc})") from None
        if not 16 <= net.prefixlen <= 17:
            # Six zones x (public /24 + private /20 + isolated /24) need at least a /17.
            raise ValueError(f"prefix length must be /16 or /17, got /{net.prefixlen}")
        return value

    @field_validator("interface_endpoints")
    @classmethod
    def _endpoints(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in INTERFACE_ENDPOINT_NAMES]
        if unknown:
            raise ValueError(f"unknown endpoint(s) {unknown}; allowed: {list(INTERFACE_ENDPOINT_NAMES)}")
        if len(set(value)) != len(value):
            raise ValueError("must not contain duplicates")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> NetworkConfig:
        if len(self.availability_zone_names) != self.availability_zones:
            raise ValueError(f"network.availability_zone_names: needs exactly availability_zones "
                             f"({self.availability_zones}) names, got {len(self.availability_zone_names)}")
        if len(set(self.availability_zone_names)) != len(self.availability_zone_names):
            raise ValueError("network.availability_zone_names: must not contain duplicates")
        if self.nat_gateways > self.availability_zones:
            raise ValueError(f"network.nat_gateways: must be between 0 and availability_zones "
                             f"({self.availability_zones}), got {self.nat_gateways}")
        if self.nat_gateways == 0:
            missing = [e for e in ENDPOINTS_REQUIRED_WITHOUT_NAT if e not in self.interface_endpoints]
            if missing:
                raise ValueError(
                    f"network.interface_endpoints: with nat_gateways 0 the nodes need the "
                    f"interface endpoints {list(ENDPOINTS_REQUIRED_WITHOUT_NAT)}; missing {missing}"
                )
        return self


class NodeGroupConfig(_Model):
    """One EKS managed node group."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    capacity_type: Literal["ON_DEMAND", "SPOT"]
    instance_types: list[str] = Field(min_length=1, max_length=20)
    min_size: int = Field(ge=0, le=450)
    desired_size: int = Field(ge=0, le=450)
    max_size: int = Field(ge=1, le=450)
    disk_size_gib: int = Field(default=20, ge=20, le=16384)

    @field_validator("instance_types")
    @classmethod
    def _instance_types(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not _INSTANCE_TYPE.match(v)]
        if bad:
            raise ValueError(f"not EC2 instance type names (e.g. t3.medium): {bad}")
        if len(set(value)) != len(value):
            raise ValueError("must not contain duplicates")
        arches = {("arm64" if _ARM_FAMILY.match(v) else "x86_64") for v in value}
        if len(arches) > 1:
            raise ValueError(f"mixes arm64 and x86_64 instance types: {value}")
        return value

    @model_validator(mode="after")
    def _sizes(self) -> NodeGroupConfig:
        if not self.min_size <= self.desired_size <= self.max_size:
            raise ValueError(
                f"node group '{self.name}': need min_size <= desired_size <= max_size, got "
                f"min_size={self.min_size}, desired_size={self.desired_size}, max_size={self.max_size}"
            )
        return self

    @property
    def architecture(self) -> Literal["arm64", "x86_64"]:
        """CPU architecture shared by every instance type of the group."""
        return "arm64" if _ARM_FAMILY.match(self.instance_types[0]) else "x86_64"

    @property
    def gpu(self) -> bool:
        """True when the group uses NVIDIA GPU instance families (g*, p*)."""
        return bool(_GPU_FAMILY.match(self.instance_types[0]))


class DatabaseConfig(_Model):
    """DynamoDB tables (users, chats) and their AWS Backup plan."""

    billing_mode: Literal["PAY_PER_REQUEST", "PROVISIONED"]
    chats_read_capacity: int | None = Field(default=None, ge=1, le=400_000)
    chats_write_capacity: int | None = Field(default=None, ge=1, le=400_000)
    users_read_capacity: int | None = Field(default=None, ge=1, le=400_000)
    users_write_capacity: int | None = Field(default=None, ge=1, le=400_000)
    # auto scaling of the chats table and its GSI: from these minimums up to chats_*_capacity (the peak hour) at
    # autoscaling_target_pct utilisation, as the estimate prices it hour by hour; null = fixed capacity
    chats_min_read_capacity: int | None = Field(default=None, ge=1, le=400_000)
    chats_min_write_capacity: int | None = Field(default=None, ge=1, le=400_000)
    autoscaling_target_pct: int = Field(default=70, ge=20, le=90)
    point_in_time_recovery: bool = True
    customer_managed_key: bool = False
    removal_policy: Literal["RETAIN", "DESTROY"] = "RETAIN"
    # pitr-only: no AWS Backup plan; pitr+weekly: a weekly rule; daily-30: a daily rule (as the estimate prices it)
    backup_policy: Literal["pitr-only", "pitr+weekly", "daily-30"] = "daily-30"
    backup_retention_days: int = Field(ge=1, le=36_500)      # how long each AWS Backup copy is kept
    backup_vault_locked: bool = False   # HIPAA/PCI: the copies go to a separate vault under AWS Backup Vault Lock
    stream_enabled: bool = True

    @property
    def backups_enabled(self) -> bool:
        """An AWS Backup plan is deployed (every policy but pitr-only)."""
        return self.backup_policy != "pitr-only"

    @model_validator(mode="after")
    def _backup_policy(self) -> DatabaseConfig:
        if not self.point_in_time_recovery:
            raise ValueError(f"database.point_in_time_recovery: every backup_policy ({self.backup_policy}) "
                             "includes PITR; set it to true")
        for kind in ("read", "write"):
            low, high = getattr(self, f"chats_min_{kind}_capacity"), getattr(self, f"chats_{kind}_capacity")
            if low is not None and (high is None or low > high):
                raise ValueError(f"database.chats_min_{kind}_capacity: needs PROVISIONED and at most "
                                 f"chats_{kind}_capacity ({high}), got {low}")
        if self.backup_vault_locked and not self.backups_enabled:
            raise ValueError("database.backup_vault_locked: needs a backup plan; backup_policy is pitr-only")
        return self

    @model_validator(mode="after")
    def _capacities(self) -> DatabaseConfig:
        names = ("chats_read_capacity", "chats_write_capacity", "users_read_capacity", "users_write_capacity")
        if self.billing_mode == "PROVISIONED":
            missing = [n for n in names if getattr(self, n) is None]
            if missing:
                raise ValueError(
                    f"database.{missing[0]}: required (1..400000) when billing_mode is PROVISIONED; "
                    f"missing {missing}"
                )
        else:
            given = [n for n in names if getattr(self, n) is not None]
            if given:
                raise ValueError(
                    f"database.{given[0]}: must be null when billing_mode is PAY_PER_REQUEST; set {given}"
                )
        return self


class StorageConfig(_Model):
    """S3 buckets: static assets (CloudFront origin) and the log archive."""

    static_bucket_versioned: bool = True
    log_archive_days: int = Field(ge=1, le=36_500)
    log_glacier_transition_days: int | None = Field(default=90, ge=1, le=36_500)
    alb_access_logs: bool = False     # an SSE-S3 bucket the ALB writes its access logs to (the Ingress names it)

    @model_validator(mode="after")
    def _lifecycle(self) -> StorageConfig:
        t = self.log_glacier_transition_days
        if t is not None and t >= self.log_archive_days:
            raise ValueError(f"storage.log_glacier_transition_days: must be less than log_archive_days "
                             f"({self.log_archive_days}) or null, got {t}")
        return self


class SecurityConfig(_Model):
    """KMS keys, Secrets Manager secrets and the regional WAF web ACL."""

    waf_enabled: bool = False
    waf_managed_rule_groups: list[str] = Field(default_factory=list)
    waf_rate_limit_per_5min: int = Field(default=2000, ge=10, le=2_000_000_000)
    kms_customer_managed_keys: list[str] = Field(default_factory=list)
    secret_names: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("waf_managed_rule_groups")
    @classmethod
    def _rule_groups(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(r"AWSManagedRules[A-Za-z0-9]{1,100}", v)]
        if bad:
            raise ValueError(f"not AWS managed rule group names (AWSManagedRules...): {bad}")
        if len(set(value)) != len(value):
            raise ValueError("must not contain duplicates")
        return value

    @field_validator("kms_customer_managed_keys")
    @classmethod
    def _keys(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in KMS_KEY_NAMES]
        if unknown:
            raise ValueError(f"unknown key name(s) {unknown}; allowed: {list(KMS_KEY_NAMES)}")
        if len(set(value)) != len(value):
            raise ValueError("must not contain duplicates")
        return value

    @field_validator("secret_names")
    @classmethod
    def _secrets(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(r"[A-Za-z0-9/_+=.@-]{1,256}", v)]
        if bad:
            raise ValueError(f"secret names may use letters, digits and /_+=.@- (1..256 chars): {bad}")
        if len(set(value)) != len(value):
            raise ValueError("must not contain duplicates")
        return value


class MonitoringConfig(_Model):
    """Log retention, alarm thresholds, notification and dashboards."""

    log_retention_days: int
    error_rate_threshold_pct: float = Field(default=5, gt=0, le=100)
    p95_latency_threshold_s: float = Field(default=2, gt=0, le=600)
    cpu_threshold_pct: float = Field(default=80, gt=0, le=100)
    memory_threshold_pct: float = Field(default=80, gt=0, le=100)
    disk_threshold_pct: float = Field(default=80, gt=0, le=100)
    # chats table writes per second above which the traffic alarm fires: the sized peak hour's capacity
    traffic_write_units_per_s: int = Field(default=100, ge=1, le=40_000_000)
    alarm_email: str | None = None
    xray_enabled: bool = True
    dashboards: int = Field(default=1, ge=0, le=3)
    alb_full_name: str | None = None

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in CLOUDWATCH_RETENTION_DAYS:
            raise ValueError(f"must be one of the CloudWatch values {list(CLOUDWATCH_RETENTION_DAYS)}, got {value}")
        return value

    @field_validator("alarm_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}", value):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value

    @field_validator("alb_full_name")
    @classmethod
    def _alb(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}", value):
            raise ValueError(f"must look like app/<name>/<16 hex digits> (the ALB's full name), got {value!r}")
        return value


class CdnConfig(_Model):
    """CloudFront distribution in front of the static-assets bucket."""

    enabled: bool = True
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = "PriceClass_100"


class CacheConfig(_Model):
    """Optional ElastiCache replication group (Valkey or Redis OSS)."""

    enabled: bool = False
    engine: Literal["valkey", "redis"] = "valkey"
    node_type: str = Field(default="cache.t3.medium", pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$")
    num_nodes: int = Field(default=1, ge=1, le=6)


class WorkloadIdentityConfig(_Model):
    """Kubernetes service account whose pods get the backend IAM role (IRSA)."""

    namespace: str = Field(default="chat-app", pattern=NAMESPACE_PATTERN)
    service_account: str = Field(default="chat-backend-sa", pattern=SERVICE_ACCOUNT_PATTERN)
    bedrock_invoke: bool = False


class CdkConfig(_Model):
    """Every sized value the generated CDK app deploys, for one environment."""

    project: str = Field(default="ChatApp", pattern=r"^[A-Za-z][A-Za-z0-9]{0,19}$")
    environment: Literal["dev", "staging", "prod"]
    region: str = Field(pattern=r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
    account: str | None = Field(default=None, pattern=r"^\d{12}$")
    client: str = Field(min_length=1, max_length=200)
    scenario_name: str = Field(min_length=1, max_length=200)
    kubernetes_version: str = Field(pattern=r"^1\.\d{2}$")
    eks_support_type: Literal["STANDARD", "EXTENDED"] = "STANDARD"
    cluster_admin_role_arns: list[str] = Field(default_factory=list, max_length=10)
    network: NetworkConfig
    node_groups: list[NodeGroupConfig] = Field(min_length=1, max_length=10)
    database: DatabaseConfig
    storage: StorageConfig
    security: SecurityConfig
    monitoring: MonitoringConfig
    cdn: CdnConfig = CdnConfig()
    cache: CacheConfig = CacheConfig()
    workload_identity: WorkloadIdentityConfig = WorkloadIdentityConfig()
    karpenter: KarpenterConfig = KarpenterConfig()
    compliance: ComplianceConfig = ComplianceConfig()
    alb_controller: AlbControllerConfig = AlbControllerConfig()
    dr: DrConfig = DrConfig()
    tags: dict[str, str]
    # CloudFormation resources the estimate priced, by type (tiersizer's inventory): `cdk synth` warns where the
    # app deploys another number (stacks/inventory_check.py). Empty: no check.
    estimate_inventory: dict[str, int] = Field(default_factory=dict, max_length=200)

    @field_validator("estimate_inventory")
    @classmethod
    def _inventory(cls, value: dict[str, int]) -> dict[str, int]:
        for kind, count in value.items():
            if not re.fullmatch(r"AWS::[A-Za-z0-9]{1,64}::[A-Za-z0-9]{1,64}", kind):
                raise ValueError(f"{kind!r} is not a CloudFormation resource type (AWS::Service::Type)")
            if not 0 <= count <= 100_000:
                raise ValueError(f"{kind}: count must be 0..100000, got {count}")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        for key in ("Project", "Environment"):
            if key not in value:
                raise ValueError(f"must include the key {key!r}")
        for key, val in value.items():
            if not _TAG_KEY.match(key) or key.lower().startswith("aws:"):
                raise ValueError(f"invalid tag key {key!r} (1..128 of letters, digits, space, _.:/=+-@; no aws: prefix)")
            if not _TAG_VALUE.match(val):
                raise ValueError(f"invalid value for tag {key!r}: {val!r} (0..256 of letters, digits, space, _.:/=+-@)")
        return value

    @field_validator("cluster_admin_role_arns")
    @classmethod
    def _admin_roles(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}", v)]
        if bad:
            raise ValueError(f"not IAM role ARNs (arn:aws:iam::<account>:role/<name>): {bad}")
        return value

    @model_validator(mode="after")
    def _cross_checks(self) -> CdkConfig:
        for name in self.network.availability_zone_names:
            if not re.fullmatch(re.escape(self.region) + r"[a-z]", name):
                raise ValueError(
                    f"network.availability_zone_names: {name!r} is not a zone of region {self.region} "
                    f"(expected {self.region}a, {self.region}b, ...)"
                )
        names = [g.name for g in self.node_groups]
        if len(set(names)) != len(names):
            raise ValueError(f"node_groups: names must be unique, got {names}")
        if self.tags["Environment"] != self.environment:
            raise ValueError(
                f"tags.Environment: must equal environment ({self.environment!r}), got {self.tags['Environment']!r}"
            )
        if self.tags["Project"] != self.project:
            raise ValueError(f"tags.Project: must equal project ({self.project!r}), got {self.tags['Project']!r}")
        has_ddb_key = "dynamodb" in self.security.kms_customer_managed_keys
        if self.database.customer_managed_key != has_ddb_key:
            raise ValueError(
                "database.customer_managed_key: must be true exactly when 'dynamodb' is in "
                f"security.kms_customer_managed_keys (customer_managed_key={self.database.customer_managed_key}, "
                f"keys={self.security.kms_customer_managed_keys})"
            )
        if self.environment == "prod" and self.database.removal_policy != "RETAIN":
            raise ValueError("database.removal_policy: must be RETAIN when environment is prod")
        if self.monitoring.dashboards == 3 and not (self.cdn.enabled or self.security.waf_enabled):
            raise ValueError("monitoring.dashboards: the third (edge) dashboard needs cdn.enabled or "
                             "security.waf_enabled; use 0..2")
        if self.security.waf_enabled is False and self.security.waf_managed_rule_groups:
            raise ValueError("security.waf_managed_rule_groups: must be empty when waf_enabled is false")
        if self.dr.region == self.region:
            raise ValueError(f"dr.region: must differ from region ({self.region})")
        return self

    # Derived names: computed here once so stacks never re-derive them.
    @property
    def stack_prefix(self) -> str:
        """Prefix of every stack name, e.g. ``ChatApp-prod``."""
        return f"{self.project}-{self.environment}"

    @property
    def resource_prefix(self) -> str:
        """Lower-case prefix for physical names, e.g. ``chatapp-prod``."""
        return f"{self.project.lower()}-{self.environment}"

    @property
    def cluster_name(self) -> str:
        """Name of the EKS cluster (also the Container Insights ClusterName dimension)."""
        return self.resource_prefix

    @property
    def karpenter_node_role_name(self) -> str:
        """IAM role of the nodes Karpenter launches (the EC2NodeClass `role`), e.g. ``chatapp-prod-karpenter-node``."""
        return f"{self.resource_prefix}-karpenter-node"

    @property
    def users_table_name(self) -> str:
        """Physical name of the users table, e.g. ``chatapp-prod-users``."""
        return f"{self.resource_prefix}-users"

    @property
    def chats_table_name(self) -> str:
        """Physical name of the chats table, e.g. ``chatapp-prod-chats``."""
        return f"{self.resource_prefix}-chats"
