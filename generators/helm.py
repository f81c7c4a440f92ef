"""Helm values generator for the chat-app chart.

Turns a sized estimate (pods, HPA bounds, requests/limits, zones, stream time)
into a ``values-<env>.yaml`` for ``cdk_out_templates/chart/chat-app`` and copies
the chart into a bundle. Values are emitted with ``yaml.safe_dump``; strings a
Go YAML 1.1 parser (Helm's) would read as another type are quoted.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from pricing.files import write_atomic
from sizing.eks_versions import default_version

CHART_DIR: Path = Path(__file__).resolve().parent.parent / "cdk_out_templates" / "chart" / "chat-app"
"""Source of the chat-app chart shipped with tiersizer."""

KUBERNETES_VERSION: str = default_version()
"""The EKS Kubernetes version a bundle deploys unless the scenario pins one (sizing/eks_versions.py: the
newest in standard support that the pinned aws-cdk-lib creates); the chart is validated against it."""

ENVIRONMENTS: tuple[str, ...] = ("dev", "staging", "prod")
ALB_DEFAULT_IDLE_TIMEOUT_S: int = 60
ALB_MAX_IDLE_TIMEOUT_S: int = 4000
MAX_ZONES: int = 6
PRE_STOP_SLEEP_S: int = 10
"""Pause before SIGTERM so the ALB stops routing to a terminating pod."""

# Placeholders for values only known after `cdk deploy` (docs/helm.md lists the
# CDK outputs that replace them). They match the schema's ARN patterns, use
# the reserved-looking account 000000000000, and say what to put there.
PLACEHOLDER_ACCOUNT = "000000000000"


def placeholder_role_arn() -> str:
    """IRSA role ARN placeholder (CDK output ``BackendRoleArn``)."""
    return f"arn:aws:iam::{PLACEHOLDER_ACCOUNT}:role/REPLACE-WITH-CDK-OUTPUT-BackendRoleArn"


def placeholder_certificate_arn(region: str) -> str:
    """ACM certificate ARN placeholder (the certificate for the public host)."""
    return f"arn:aws:acm:{region}:{PLACEHOLDER_ACCOUNT}:certificate/REPLACE-WITH-ACM-CERTIFICATE-ID"


def placeholder_waf_acl_arn(region: str) -> str:
    """Regional WAFv2 web ACL ARN placeholder (CDK output ``WebAclArn``)."""
    return (
        f"arn:aws:wafv2:{region}:{PLACEHOLDER_ACCOUNT}:regional/webacl/"
        "REPLACE-WITH-CDK-OUTPUT-WebAclArn/00000000-0000-0000-0000-000000000000"
    )


_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")
_LABEL_VALUE_RE = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_K8S_NAME_RE = re.compile(r"^(?=.{1,253}$)[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_TABLE_RE = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
_MODEL_RE = re.compile(r"^[A-Za-z0-9._:/-]{1,2048}$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_SECRETISH_RE = re.compile(
    r"(password|passwd|secret|token|api_?key|private_?key|secret_?key|access_?key|credentials?)$",
    re.IGNORECASE,
)
_RESERVED_ENV = frozenset(
    {
        "AWS_REGION",
        "ENVIRONMENT",
        "PROJECT",
        "DYNAMODB_USERS_TABLE",
        "DYNAMODB_CHATS_TABLE",
        "LLM_MODEL_ID",
        "HTTP_KEEPALIVE_TIMEOUT_SECONDS",
    }
)


@dataclass(frozen=True)
class WorkloadSize:
    """Planned size of one Deployment: pods, HPA bounds, per-pod resources."""

    replicas: int
    hpa_min: int
    hpa_max: int
    cpu_request_m: int
    memory_request_mi: int
    cpu_limit_m: int
    memory_limit_mi: int

    def __post_init__(self) -> None:
        self.check("WorkloadSize")

    def check(self, prefix: str) -> None:
        """Raise ValueError naming ``<prefix>.<field>`` and its allowed range."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{prefix}.{f.name} must be an integer >= 1, got {value!r}")
            if value < 1:
                raise ValueError(f"{prefix}.{f.name} must be >= 1, got {value}")
        if self.hpa_max > 1000:
            raise ValueError(f"{prefix}.hpa_max must be between 1 and 1000, got {self.hpa_max}")
        if self.hpa_min > self.hpa_max:
            raise ValueError(
                f"{prefix}.hpa_min must be <= hpa_max ({self.hpa_max}), got {self.hpa_min}"
            )
        if not self.hpa_min <= self.replicas <= self.hpa_max:
            raise ValueError(
                f"{prefix}.replicas must be between hpa_min ({self.hpa_min}) and "
                f"hpa_max ({self.hpa_max}), got {self.replicas}"
            )
        if self.cpu_request_m > self.cpu_limit_m:
            raise ValueError(
                f"{prefix}.cpu_request_m must be <= cpu_limit_m ({self.cpu_limit_m}), "
                f"got {self.cpu_request_m}"
            )
        if self.memory_request_mi > self.memory_limit_mi:
            raise ValueError(
                f"{prefix}.memory_request_mi must be <= memory_limit_mi "
                f"({self.memory_limit_mi}), got {self.memory_request_mi}"
            )


def idle_timeout_seconds(stream_timeout_s: float) -> int:
    """ALB idle timeout for streamed answers: max(60, ceil(2 x stream time)).

    The ALB default (60 s) closes a connection that is silent for that long,
    so the timeout must exceed the longest streamed answer (docs/sizing-facts.md § ALB capacity units and timeouts).
    """
    if isinstance(stream_timeout_s, bool) or not isinstance(stream_timeout_s, (int, float)):
        raise ValueError(f"stream_timeout_s must be a number, got {stream_timeout_s!r}")
    limit = ALB_MAX_IDLE_TIMEOUT_S / 2
    if not (0 < stream_timeout_s <= limit) or math.isnan(stream_timeout_s):
        raise ValueError(
            f"stream_timeout_s must be > 0 and <= {limit:g} s (ALB idle timeout max "
            f"{ALB_MAX_IDLE_TIMEOUT_S} s), got {stream_timeout_s}"
        )
    return max(ALB_DEFAULT_IDLE_TIMEOUT_S, math.ceil(2 * stream_timeout_s))


def _component(
    name: str,
    size: WorkloadSize,
    *,
    repository: str,
    port: int,
    existing_secret: str,
    grace_s: int,
    writable_dirs: list[str],
    env: dict[str, str],
) -> dict[str, Any]:
    """Values block of one component (backend or frontend)."""
    size.check(name)
    return {
        "image": {"repository": repository, "tag": "", "pullPolicy": "IfNotPresent"},
        "replicaCount": size.replicas,
        "resources": {
            "requests": {"cpu": f"{size.cpu_request_m}m", "memory": f"{size.memory_request_mi}Mi"},
            "limits": {"cpu": f"{size.cpu_limit_m}m", "memory": f"{size.memory_limit_mi}Mi"},
        },
        "autoscaling": {
            "enabled": size.hpa_max > size.hpa_min,
            "minReplicas": size.hpa_min,
            "maxReplicas": size.hpa_max,
            "targetCPUUtilizationPercentage": 70,
            "targetMemoryUtilizationPercentage": 80,
        },
        "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1},
        "service": {"port": port},
        "existingSecret": existing_secret,
        "externalSecret": {
            "enabled": False,
            "secretStoreKind": "ClusterSecretStore",
            "secretStoreName": "aws-secrets-manager",
            "remoteSecretName": "",
            "refreshInterval": "1h",
        },
        "terminationGracePeriodSeconds": grace_s,
        "preStopSleepSeconds": PRE_STOP_SLEEP_S,
        "writableDirs": writable_dirs,
        "nodeSelector": {},
        "tolerations": [],
        "podAnnotations": {},
        "env": env,
    }


def _check_env(extra_env: Mapping[str, str]) -> dict[str, str]:
    """Validate free-form ConfigMap entries: names, no secrets, string values."""
    checked: dict[str, str] = {}
    for key, value in extra_env.items():
        if not isinstance(key, str) or not _ENV_NAME_RE.match(key):
            raise ValueError(
                f"extra_env key {key!r} must match {_ENV_NAME_RE.pattern} (an environment variable name)"
            )
        if _SECRETISH_RE.search(key):
            raise ValueError(
                f"extra_env.{key} looks like a secret; secrets go in backend.existingSecret, never in values"
            )
        if key in _RESERVED_ENV:
            raise ValueError(
                f"extra_env.{key} is set by the chart; allowed: any name except {', '.join(sorted(_RESERVED_ENV))}"
            )
        if not isinstance(value, str):
            raise ValueError(f"extra_env.{key} must be a string, got {type(value).__name__}")
        checked[key] = value
    return checked


def _require(field: str, value: object, pattern: re.Pattern[str], allowed: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise ValueError(f"{field} must be {allowed}, got {value!r}")
    return value


def _check_inputs(
    *, environment: str, region: str, project: str, users_table: str, chats_table: str, llm_model_id: str,
    service_account: str, zones: int, waf_enabled: bool,
) -> None:
    """Raise ValueError naming the first bad scalar input of :func:`build_values` and what it allows."""
    if environment not in ENVIRONMENTS:
        raise ValueError(f"environment must be one of {', '.join(ENVIRONMENTS)}, got {environment!r}")
    _require("region", region, _REGION_RE, "an AWS region such as us-east-1")
    _require("project", project, _LABEL_VALUE_RE, "1-63 letters, digits, '-', '_' or '.' (a Kubernetes label value)")
    _require("users_table", users_table, _TABLE_RE, "a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)")
    _require("chats_table", chats_table, _TABLE_RE, "a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)")
    _require("llm_model_id", llm_model_id, _MODEL_RE, "a model id (1-2048 of A-Z a-z 0-9 . _ : / -)")
    _require("service_account", service_account, _K8S_NAME_RE, "a Kubernetes name (lowercase a-z 0-9 - ., max 253)")
    if isinstance(zones, bool) or not isinstance(zones, int) or not 1 <= zones <= MAX_ZONES:
        raise ValueError(f"zones must be an integer between 1 and {MAX_ZONES}, got {zones!r}")
    if not isinstance(waf_enabled, bool):
        raise ValueError(f"waf_enabled must be true or false, got {waf_enabled!r}")


def _components(
    *, region: str, backend: WorkloadSize, frontend: WorkloadSize, stream_timeout_s: float, env: dict[str, str],
) -> dict[str, Any]:
    """The ``backend`` and ``frontend`` blocks."""
    # A streamed answer in flight when the pod is stopped gets the whole
    # stream time to finish after the pre-stop pause.
    backend_grace = max(30, PRE_STOP_SLEEP_S + math.ceil(stream_timeout_s) + 5)
    registry = f"{PLACEHOLDER_ACCOUNT}.dkr.ecr.{region}.amazonaws.com"
    return {
        "backend": _component(
            "backend", backend, repository=f"{registry}/chat-backend", port=8000,
            existing_secret="chat-backend-secrets", grace_s=backend_grace, writable_dirs=["/tmp"], env=env,
        ),
        "frontend": _component(
            "frontend", frontend, repository=f"{registry}/chat-frontend", port=8080, existing_secret="",
            grace_s=30, writable_dirs=["/tmp", "/var/cache/nginx", "/var/run"], env={},
        ),
    }


def placeholder_alb_logs_bucket() -> str:
    """ALB access-log bucket placeholder (CDK output ``AlbAccessLogsBucketName``)."""
    return "replace-with-cdk-output-albaccesslogsbucketname"


def _ingress(*, region: str, waf_enabled: bool, idle_s: int, access_logs: bool) -> dict[str, Any]:
    """The ALB ingress block: placeholder ARNs until ``cdk deploy``, stream-aware idle timeout."""
    return {
        "enabled": True,
        "scheme": "internet-facing",
        "certificateArn": placeholder_certificate_arn(region),
        "wafAclArn": placeholder_waf_acl_arn(region) if waf_enabled else "",
        "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "idleTimeoutSeconds": idle_s,
        "accessLogsBucket": placeholder_alb_logs_bucket() if access_logs else "",
        "host": "",
    }


def _topology_spread(environment: str, zones: int) -> dict[str, Any]:
    """Spread pods over zones; only prod with two or more zones refuses to schedule unevenly."""
    return {
        "enabled": True,
        "maxSkew": 1,
        "whenUnsatisfiable": "DoNotSchedule" if environment == "prod" and zones >= 2 else "ScheduleAnyway",
    }


def build_values(
    *,
    environment: str,
    region: str,
    backend: WorkloadSize,
    frontend: WorkloadSize,
    zones: int,
    llm_model_id: str,
    users_table: str,
    chats_table: str,
    stream_timeout_s: float,
    waf_enabled: bool,
    project: str = "ChatApp",
    extra_env: Mapping[str, str] | None = None,
    service_account: str = "chat-backend-sa",
    alb_access_logs: bool = False,
) -> dict[str, Any]:
    """Values for ``values-<environment>.yaml`` of the chat-app chart.

    Replicas, HPA bounds and requests/limits come from ``backend``/``frontend``;
    the HPA is enabled when ``hpa_max > hpa_min``. ARNs known only after
    ``cdk deploy`` are clearly named placeholders (see docs/helm.md).
    ``extra_env`` adds plain strings to the backend ConfigMap;
    ``service_account`` must equal the one the IRSA role trusts (CDK config
    ``workload_identity.service_account``).

    Raises:
        ValueError: naming the field and its allowed values on bad input.
    """
    _check_inputs(environment=environment, region=region, project=project, users_table=users_table,
                  chats_table=chats_table, llm_model_id=llm_model_id, service_account=service_account,
                  zones=zones, waf_enabled=waf_enabled)
    idle_s = idle_timeout_seconds(stream_timeout_s)
    env = {"LOG_LEVEL": "debug" if environment == "dev" else "info"}
    env.update(_check_env(extra_env or {}))
    return {
        "global": {"environment": environment, "region": region, "project": project},
        **_components(region=region, backend=backend, frontend=frontend, stream_timeout_s=stream_timeout_s, env=env),
        "serviceAccount": {"create": True, "name": service_account, "roleArn": placeholder_role_arn()},
        "ingress": _ingress(region=region, waf_enabled=waf_enabled, idle_s=idle_s, access_logs=alb_access_logs),
        "topologySpread": _topology_spread(environment, zones),
        "config": {
            "dynamodbUsersTable": users_table,
            "dynamodbChatsTable": chats_table,
            "llmModelId": llm_model_id,
        },
    }


# Plain scalars PyYAML emits unquoted but Helm's Go YAML 1.1 parser reads as
# bool or number (y/n, on/off in any case, 1e3, 0o17, .5, ...).
_GO_YAML_AMBIGUOUS = re.compile(
    r"^(?:[yYnN]|[oO][nN]|[oO][fF][fF]|[yY][eE][sS]|[nN][oO]|[tT][rR][uU][eE]|[fF][aA][lL][sS][eE]"
    r"|[nN][uU][lL][lL]|~|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?0[xXoObB][0-9a-fA-F_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


class _ValuesDumper(yaml.SafeDumper):
    """SafeDumper that quotes strings another YAML 1.1 parser could retype."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if any(ch in data for ch in "\n\r\t\x85\u2028\u2029"):
        # Escaped on one line: unambiguous and readable in a diff.
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    if _GO_YAML_AMBIGUOUS.match(data):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="'")
    return dumper.represent_str(data)


_ValuesDumper.add_representer(str, _represent_str)


def dump_values(values: Mapping[str, Any]) -> str:
    """Serialize values to YAML text (block style, key order kept)."""
    return yaml.dump(
        values,
        Dumper=_ValuesDumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=4096,
    )


def write_values(values: Mapping[str, Any], path: Path) -> None:
    """Write values as YAML to ``path`` atomically (:func:`pricing.files.write_atomic`)."""
    write_atomic(path, dump_values(values))


def copy_chart(dest: Path) -> Path:
    """Copy the chart into ``dest/chat-app`` (replacing it atomically); return that path."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / CHART_DIR.name
    staging = Path(tempfile.mkdtemp(prefix=f".{CHART_DIR.name}.", dir=dest))
    try:
        copied = staging / CHART_DIR.name
        shutil.copytree(CHART_DIR, copied, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        if target.exists():
            old = staging / "old"
            target.rename(old)
        copied.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
