"""The chat-app Helm chart rendered by Helm's own engine with generated values.

Rendering uses helm-python-sdk (Helm v4 Go engine in-process, values.schema.json
enforced); every manifest is checked with kubernetes-validate in strict mode for
KUBERNETES_VERSION. Golden values: UPDATE_GOLDEN=1 .venv/bin/python -m pytest
tests/generators/test_helm_chart.py
"""

from __future__ import annotations

import copy
import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import all_versions
from packaging.version import Version

from generators.helm import (
    CHART_DIR,
    KUBERNETES_VERSION,
    WorkloadSize,
    build_values,
    copy_chart,
    dump_values,
    idle_timeout_seconds,
    write_values,
)

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden" / "helm"
RELEASE = "chat-app"
NAMESPACE = "chat-app"
NASTY = "Acme \"R&D\" 'Ltd'\n{{ .Release.Name }} {{ fail \"x\" }}\n=1+2 <script>: - y"

CASES: dict[str, dict[str, Any]] = {
    "dev-small": dict(
        environment="dev",
        region="us-east-1",
        backend=WorkloadSize(1, 1, 1, 250, 256, 500, 512),
        frontend=WorkloadSize(1, 1, 1, 100, 128, 200, 256),
        zones=2,
        llm_model_id="anthropic.claude-3-haiku-20240307-v1:0",
        users_table="chat_app_users_dev",
        chats_table="chat_app_chats_dev",
        stream_timeout_s=20,
        waf_enabled=False,
    ),
    "prod-medium": dict(
        environment="prod",
        region="us-east-1",
        backend=WorkloadSize(4, 3, 10, 500, 512, 1000, 1024),
        frontend=WorkloadSize(2, 2, 6, 100, 128, 200, 256),
        zones=3,
        llm_model_id="anthropic.claude-3-5-sonnet-20240620-v1:0",
        users_table="chat_app_users_prod",
        chats_table="chat_app_chats_prod",
        stream_timeout_s=45,
        waf_enabled=False,
    ),
    "prod-enterprise": dict(
        environment="prod",
        region="eu-west-1",
        backend=WorkloadSize(12, 9, 40, 1000, 2048, 2000, 4096),
        frontend=WorkloadSize(4, 3, 12, 200, 256, 400, 512),
        zones=3,
        llm_model_id="us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        users_table="chat_app_users_prod",
        chats_table="chat_app_chats_prod",
        stream_timeout_s=150.2,
        waf_enabled=True,
        alb_access_logs=True,
        project="ChatApp-Enterprise",
        extra_env={"CLIENT_NAME": NASTY, "TENANCY": "dedicated"},
    ),
}
# Hand-derived: max(60, ceil(2 x stream)) -> 20 s: 60, 45 s: 90, 150.2 s: 301.
EXPECTED_IDLE = {"dev-small": 60, "prod-medium": 90, "prod-enterprise": 301}


@pytest.fixture(scope="module", autouse=True)
def _quiet_helm() -> None:
    helm.disable_logging()


@pytest.fixture(scope="module")
def chart() -> Iterator[helm.Chart]:
    loaded = helm.Chart.load(CHART_DIR)
    yield loaded
    loaded.close()


def render(chart: helm.Chart, values: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Render with Helm and return the parsed manifests (NOTES.txt excluded)."""
    out = chart.render(values, name=RELEASE, namespace=NAMESPACE)
    docs: list[dict[str, Any]] = []
    for path, text in sorted(out.items()):
        if path.endswith(".yaml"):
            docs.extend(d for d in yaml.safe_load_all(text) if d)
    return docs


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def cpu_m(quantity: str) -> int:
    return int(quantity[:-1]) if quantity.endswith("m") else round(float(quantity) * 1000)


def mem_mi(quantity: str) -> int:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}
    return round(float(quantity[:-2]) * units[quantity[-2:]])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], str]]:
    """Per case: (values as Helm parses the written file, file text)."""
    out_dir = tmp_path_factory.mktemp("values")
    result = {}
    for name, kwargs in CASES.items():
        path = out_dir / f"values-{name}.yaml"
        write_values(build_values(**kwargs), path)
        text = path.read_text(encoding="utf-8")
        result[name] = (helm.values_from_yaml(text), text)
    return result


@pytest.fixture(scope="module")
def rendered(chart: helm.Chart, generated) -> dict[str, list[dict[str, Any]]]:
    return {name: render(chart, values) for name, (values, _) in generated.items()}


# --- Kubernetes version and strict manifest validation ---------------------


def test_kubernetes_version_is_the_bundle_default_and_has_strict_schemas() -> None:
    # On the calendar date 2026-11-29: 1.35 is the newest EKS version in standard support (1.36 is not in
    # the sourced calendar); kubernetes-validate must ship its schemas for the strict checks below to mean it.
    shipped = {Version(v).release[:2] for v in all_versions()}
    assert KUBERNETES_VERSION == "1.35"
    assert Version(KUBERNETES_VERSION).release[:2] in shipped


@pytest.mark.parametrize("case", list(CASES))
def test_every_manifest_validates_strictly(rendered, case: str) -> None:
    docs = rendered[case]
    kinds = sorted({d["kind"] for d in docs})
    assert {"ConfigMap", "Deployment", "Ingress", "Service", "ServiceAccount"} <= set(kinds)
    for doc in docs:
        # Raises on any schema violation or unknown field; a kind without a
        # schema raises SchemaNotFoundError, which fails the test too.
        assert kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True) == KUBERNETES_VERSION


def test_strict_validation_catches_an_unknown_field(rendered) -> None:
    deployment = copy.deepcopy(by_kind(rendered["prod-medium"], "Deployment")["chat-app-backend"])
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProb"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_default_values_render_and_validate(chart: helm.Chart) -> None:
    docs = render(chart, None)
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    assert not by_kind(docs, "Secret")


# --- sizes equal the inputs ---------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("component", ["backend", "frontend"])
def test_replicas_hpa_and_resources_equal_inputs(rendered, generated, case: str, component: str) -> None:
    size: WorkloadSize = CASES[case][component]
    docs = rendered[case]
    name = f"chat-app-{component}"
    deployment = by_kind(docs, "Deployment")[name]
    hpas = by_kind(docs, "HorizontalPodAutoscaler")
    values = generated[case][0][component]
    assert values["replicaCount"] == size.replicas
    if size.hpa_max > size.hpa_min:
        hpa = hpas[name]["spec"]
        assert (hpa["minReplicas"], hpa["maxReplicas"]) == (size.hpa_min, size.hpa_max)
        assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        targets = {m["resource"]["name"]: m["resource"]["target"] for m in hpa["metrics"]}
        assert targets == {
            "cpu": {"type": "Utilization", "averageUtilization": 70},
            "memory": {"type": "Utilization", "averageUtilization": 80},
        }
        # The HPA owns the pod count: a replicas field would reset it on upgrade.
        assert "replicas" not in deployment["spec"]
    else:
        assert name not in hpas
        assert deployment["spec"]["replicas"] == size.replicas
    res = deployment["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert cpu_m(res["requests"]["cpu"]) == size.cpu_request_m
    assert mem_mi(res["requests"]["memory"]) == size.memory_request_mi
    assert cpu_m(res["limits"]["cpu"]) == size.cpu_limit_m
    assert mem_mi(res["limits"]["memory"]) == size.memory_limit_mi


def test_fixed_replicas_render_and_get_a_pdb(chart: helm.Chart, generated) -> None:
    values = copy.deepcopy(generated["prod-medium"][0])
    values["backend"]["autoscaling"]["enabled"] = False
    values["backend"]["replicaCount"] = 4
    docs = render(chart, values)
    assert by_kind(docs, "Deployment")["chat-app-backend"]["spec"]["replicas"] == 4
    assert "chat-app-backend" not in by_kind(docs, "HorizontalPodAutoscaler")
    assert by_kind(docs, "PodDisruptionBudget")["chat-app-backend"]["spec"]["maxUnavailable"] == 1


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("dev-small", set()),  # one pod each: no PDB
        ("prod-medium", {"chat-app-backend", "chat-app-frontend"}),
        ("prod-enterprise", {"chat-app-backend", "chat-app-frontend"}),
    ],
)
def test_pod_disruption_budgets(rendered, case: str, expected: set[str]) -> None:
    pdbs = by_kind(rendered[case], "PodDisruptionBudget")
    assert set(pdbs) == expected
    for name, pdb in pdbs.items():
        assert pdb["spec"] == {
            "maxUnavailable": 1,
            "selector": {
                "matchLabels": {
                    "app.kubernetes.io/name": "chat-app",
                    "app.kubernetes.io/instance": RELEASE,
                    "app.kubernetes.io/component": name.removeprefix("chat-app-"),
                }
            },
        }


# --- ingress ---------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_ingress_for_the_alb_controller(rendered, generated, case: str) -> None:
    ingress = by_kind(rendered[case], "Ingress")["chat-app"]
    ann = ingress["metadata"]["annotations"]
    prefix = "alb.ingress.kubernetes.io/"
    attrs = dict(kv.split("=", 1) for kv in ann[prefix + "load-balancer-attributes"].split(","))
    idle = int(attrs.pop("idle_timeout.timeout_seconds"))
    assert idle == EXPECTED_IDLE[case]
    if CASES[case].get("alb_access_logs"):      # the priced access-log bucket, under the alb/ prefix
        assert attrs == {"access_logs.s3.enabled": "true", "access_logs.s3.prefix": "alb",
                         "access_logs.s3.bucket": "replace-with-cdk-output-albaccesslogsbucketname"}
    else:
        assert attrs == {}
    assert idle > CASES[case]["stream_timeout_s"] and idle >= 60
    assert ann[prefix + "scheme"] == "internet-facing"
    assert ann[prefix + "target-type"] == "ip"
    assert ann[prefix + "healthcheck-path"] == "/health"
    assert json.loads(ann[prefix + "listen-ports"]) == [{"HTTP": 80}, {"HTTPS": 443}]
    assert ann[prefix + "ssl-redirect"] == "443"
    assert ann[prefix + "certificate-arn"] == generated[case][0]["ingress"]["certificateArn"]
    assert ann[prefix + "certificate-arn"].startswith("arn:aws:acm:" + CASES[case]["region"])
    if CASES[case]["waf_enabled"]:
        assert ann[prefix + "wafv2-acl-arn"].startswith("arn:aws:wafv2:" + CASES[case]["region"])
    else:
        assert prefix + "wafv2-acl-arn" not in ann
    assert ingress["spec"]["ingressClassName"] == "alb"
    paths = ingress["spec"]["rules"][0]["http"]["paths"]
    routes = {p["path"]: (p["pathType"], p["backend"]["service"]["name"]) for p in paths}
    assert routes == {"/api": ("Prefix", "chat-app-backend"), "/": ("Prefix", "chat-app-frontend")}
    assert [p["path"] for p in paths] == ["/api", "/"]
    services = by_kind(rendered[case], "Service")
    for p in paths:
        svc = services[p["backend"]["service"]["name"]]
        assert svc["spec"]["type"] == "ClusterIP"
        assert [port["name"] for port in svc["spec"]["ports"]] == [p["backend"]["service"]["port"]["name"]]


def test_ingress_without_certificate_or_host(chart: helm.Chart, generated) -> None:
    values = copy.deepcopy(generated["dev-small"][0])
    values["ingress"]["certificateArn"] = ""
    ann = by_kind(render(chart, values), "Ingress")["chat-app"]["metadata"]["annotations"]
    assert json.loads(ann["alb.ingress.kubernetes.io/listen-ports"]) == [{"HTTP": 80}]
    assert "alb.ingress.kubernetes.io/ssl-redirect" not in ann
    values["ingress"]["host"] = "chat.example.com"  # the controller discovers the ACM cert
    docs = render(chart, values)
    ingress = by_kind(docs, "Ingress")["chat-app"]
    assert ingress["spec"]["rules"][0]["host"] == "chat.example.com"
    assert "alb.ingress.kubernetes.io/ssl-redirect" in ingress["metadata"]["annotations"]


def test_ingress_internal_scheme_and_disabled(chart: helm.Chart, generated) -> None:
    values = copy.deepcopy(generated["prod-medium"][0])
    values["ingress"]["scheme"] = "internal"
    ann = by_kind(render(chart, values), "Ingress")["chat-app"]["metadata"]["annotations"]
    assert ann["alb.ingress.kubernetes.io/scheme"] == "internal"
    values["ingress"]["enabled"] = False
    assert not by_kind(render(chart, values), "Ingress")


# --- pod spec: spread, probes, security, rollout, config, IRSA ------------------


@pytest.mark.parametrize(
    ("case", "when"),
    [("dev-small", "ScheduleAnyway"), ("prod-medium", "DoNotSchedule"), ("prod-enterprise", "DoNotSchedule")],
)
def test_topology_spread(rendered, case: str, when: str) -> None:
    for name, deployment in by_kind(rendered[case], "Deployment").items():
        (tsc,) = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert tsc["topologyKey"] == "topology.kubernetes.io/zone"
        assert tsc["maxSkew"] == 1
        assert tsc["whenUnsatisfiable"] == when
        assert tsc["labelSelector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]


def test_prod_with_a_single_zone_does_not_block_scheduling() -> None:
    values = build_values(**{**CASES["prod-medium"], "zones": 1})
    assert values["topologySpread"]["whenUnsatisfiable"] == "ScheduleAnyway"


@pytest.mark.parametrize("case", list(CASES))
def test_probes_security_and_rollout(rendered, case: str) -> None:
    ports = {"chat-app-backend": 8000, "chat-app-frontend": 8080}
    for name, deployment in by_kind(rendered[case], "Deployment").items():
        spec = deployment["spec"]
        assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
        pod = spec["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 1000
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        (container,) = pod["containers"]
        assert container["ports"] == [{"name": "http", "containerPort": ports[name], "protocol": "TCP"}]
        assert container["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
        sc = container["securityContext"]
        assert sc["runAsNonRoot"] is True and sc["runAsUser"] == 1000
        assert sc["readOnlyRootFilesystem"] is True
        assert sc["allowPrivilegeEscalation"] is False
        assert sc["capabilities"] == {"drop": ["ALL"]}
        assert sc["seccompProfile"] == {"type": "RuntimeDefault"}
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        assert "/tmp" in mounts
        assert len(pod["volumes"]) == len(mounts)
        grace = pod["terminationGracePeriodSeconds"]
        assert container["lifecycle"]["preStop"]["sleep"]["seconds"] < grace
    backend_pod = by_kind(rendered[case], "Deployment")["chat-app-backend"]["spec"]["template"]["spec"]
    # A stream in flight at shutdown may run its full length after the pause.
    assert backend_pod["terminationGracePeriodSeconds"] >= 10 + CASES[case]["stream_timeout_s"]


@pytest.mark.parametrize("case", list(CASES))
def test_config_map_service_account_and_secret_reference(rendered, generated, case: str) -> None:
    kw = CASES[case]
    docs = rendered[case]
    data = by_kind(docs, "ConfigMap")["chat-app-backend"]["data"]
    expected = {
        "AWS_REGION": kw["region"],
        "ENVIRONMENT": kw["environment"],
        "PROJECT": kw.get("project", "ChatApp"),
        "DYNAMODB_USERS_TABLE": kw["users_table"],
        "DYNAMODB_CHATS_TABLE": kw["chats_table"],
        "LLM_MODEL_ID": kw["llm_model_id"],
        "HTTP_KEEPALIVE_TIMEOUT_SECONDS": str(EXPECTED_IDLE[case] + 5),
        "LOG_LEVEL": "debug" if kw["environment"] == "dev" else "info",
        **kw.get("extra_env", {}),
    }
    assert data == expected
    sa = by_kind(docs, "ServiceAccount")["chat-backend-sa"]
    role = sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert role == generated[case][0]["serviceAccount"]["roleArn"]
    assert role.startswith("arn:aws:iam::")
    deployments = by_kind(docs, "Deployment")
    backend_pod = deployments["chat-app-backend"]["spec"]["template"]["spec"]
    assert backend_pod["serviceAccountName"] == "chat-backend-sa"
    assert backend_pod["containers"][0]["envFrom"] == [
        {"configMapRef": {"name": "chat-app-backend"}},
        {"secretRef": {"name": "chat-backend-secrets"}},
    ]
    frontend_pod = deployments["chat-app-frontend"]["spec"]["template"]["spec"]
    assert frontend_pod["automountServiceAccountToken"] is False
    assert frontend_pod["containers"][0]["envFrom"] == [{"configMapRef": {"name": "chat-app-frontend"}}]
    assert not by_kind(docs, "Secret")


def test_service_account_name_follows_the_cdk_identity(chart: helm.Chart) -> None:
    values = build_values(**{**CASES["prod-medium"], "service_account": "chat-app-backend"})
    docs = render(chart, values)
    assert set(by_kind(docs, "ServiceAccount")) == {"chat-app-backend"}
    pod = by_kind(docs, "Deployment")["chat-app-backend"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "chat-app-backend"


def test_scheduling_and_annotation_options(chart: helm.Chart, generated) -> None:
    values = copy.deepcopy(generated["prod-medium"][0])
    values["backend"]["nodeSelector"] = {"eks.amazonaws.com/capacityType": "ON_DEMAND"}
    values["backend"]["tolerations"] = [{"key": "dedicated", "operator": "Equal", "value": "chat", "effect": "NoSchedule"}]
    values["backend"]["podAnnotations"] = {"example.com/note": "a: {{ b }}"}
    docs = render(chart, values)
    pod = by_kind(docs, "Deployment")["chat-app-backend"]["spec"]["template"]
    assert pod["spec"]["nodeSelector"] == {"eks.amazonaws.com/capacityType": "ON_DEMAND"}
    assert pod["spec"]["tolerations"] == values["backend"]["tolerations"]
    assert pod["metadata"]["annotations"]["example.com/note"] == "a: {{ b }}"
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_config_change_rolls_pods(chart: helm.Chart, generated) -> None:
    values = copy.deepcopy(generated["prod-medium"][0])

    def checksum(vals: dict[str, Any]) -> str:
        dep = by_kind(render(chart, vals), "Deployment")["chat-app-backend"]
        return dep["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    before = checksum(values)
    values["backend"]["env"]["LOG_LEVEL"] = "warning"
    assert checksum(values) != before


def test_external_secret_option(chart: helm.Chart, generated) -> None:
    values = copy.deepcopy(generated["prod-medium"][0])
    values["backend"]["externalSecret"].update(enabled=True, remoteSecretName="chatapp/prod/backend")
    docs = render(chart, values)
    (es,) = [d for d in docs if d["kind"] == "ExternalSecret"]
    assert es["apiVersion"] == "external-secrets.io/v1"
    assert es["spec"]["target"]["name"] == "chat-backend-secrets"
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "chatapp/prod/backend"}}]
    assert es["spec"]["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": "aws-secrets-manager"}
    for doc in docs:  # the rest stays valid; ExternalSecret is a CRD without a bundled schema
        if doc["kind"] != "ExternalSecret":
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


# --- the schema and template checks reject wrong values -------------------------


def _set(values: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node = values
    for key in parents:
        node = node[key]
    node[last] = value


@pytest.mark.parametrize(
    ("dotted", "value", "expected"),
    [
        ("backend.replicaCountt", 3, ["at '/backend'", "'replicaCountt' not allowed"]),
        ("global.environment", "production", ["at '/global/environment'", "prod"]),
        ("backend.image.pullPolicy", "Sometimes", ["at '/backend/image/pullPolicy'"]),
        ("ingress.scheme", "public", ["at '/ingress/scheme'", "internet-facing"]),
        ("topologySpread.whenUnsatisfiable", "Never", ["at '/topologySpread/whenUnsatisfiable'"]),
        ("backend.replicaCount", 0, ["at '/backend/replicaCount'", "minimum"]),
        ("frontend.replicaCount", "3", ["at '/frontend/replicaCount'", "want integer"]),
        ("backend.autoscaling.minReplicas", 0, ["at '/backend/autoscaling/minReplicas'"]),
        ("backend.resources.requests.cpu", "250mc", ["at '/backend/resources/requests/cpu'", "pattern"]),
        ("backend.resources.limits.cpu", "-1", ["at '/backend/resources/limits/cpu'"]),
        ("frontend.resources.limits.memory", "256MB", ["at '/frontend/resources/limits/memory'"]),
        ("ingress.certificateArn", "not-an-arn", ["at '/ingress/certificateArn'"]),
        ("ingress.wafAclArn", "arn:aws:wafv2:us-east-1:1:global/webacl/x/y", ["at '/ingress/wafAclArn'"]),
        ("serviceAccount.roleArn", "arn:aws:iam::123:role/x", ["at '/serviceAccount/roleArn'"]),
        ("ingress.idleTimeoutSeconds", 4001, ["at '/ingress/idleTimeoutSeconds'", "maximum"]),
        ("backend.env.DB_PASSWORD", "hunter2", ["DB_PASSWORD"]),
        ("backend.env.lower-case", "x", ["lower-case"]),
        ("backend.env.COUNT", 3, ["at '/backend/env/COUNT'", "want string"]),
        ("backend.existingSecret", "Bad_Name", ["at '/backend/existingSecret'"]),
        ("global.project", "Chat App", ["at '/global/project'"]),
    ],
)
def test_schema_rejects_wrong_values(chart: helm.Chart, generated, dotted: str, value: Any, expected: list[str]) -> None:
    values = copy.deepcopy(generated["prod-medium"][0])
    _set(values, dotted, value)
    with pytest.raises(helm.HelmValuesError) as err:
        chart.render(values, name=RELEASE, namespace=NAMESPACE)
    message = str(err.value)
    for part in expected:
        assert part in message, message


def test_schema_rejects_missing_required_block(chart: helm.Chart, generated) -> None:
    values = copy.deepcopy(generated["prod-medium"][0])
    # The chart default would fill it in; null removes the key like `--set x=null`.
    values["backend"]["resources"]["limits"] = None
    with pytest.raises(helm.HelmValuesError, match="/backend/resources"):
        chart.render(values, name=RELEASE, namespace=NAMESPACE)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"backend.autoscaling.minReplicas": 5, "backend.autoscaling.maxReplicas": 3},
            "backend.autoscaling.minReplicas (5) must be <= backend.autoscaling.maxReplicas (3)",
        ),
        (
            {"ingress.certificateArn": ""},
            "ingress.certificateArn (or ingress.host for certificate discovery) is required",
        ),
        ({"backend.env.AWS_REGION": "eu-west-1"}, "backend.env.AWS_REGION is set by the chart"),
        (
            {"frontend.preStopSleepSeconds": 30, "frontend.terminationGracePeriodSeconds": 30},
            "frontend.preStopSleepSeconds (30) must be < frontend.terminationGracePeriodSeconds (30)",
        ),
        ({"backend.externalSecret.enabled": True}, "backend.externalSecret.remoteSecretName"),
    ],
)
def test_template_checks_fail_with_field_names(chart: helm.Chart, generated, changes: dict[str, Any], expected: str) -> None:
    values = copy.deepcopy(generated["prod-medium"][0])
    for dotted, value in changes.items():
        _set(values, dotted, value)
    with pytest.raises(helm.HelmError) as err:
        chart.render(values, name=RELEASE, namespace=NAMESPACE)
    assert expected in str(err.value)


def test_schema_is_strict_everywhere() -> None:
    schema = json.loads((CHART_DIR / "values.schema.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    objects = 0

    def walk(node: Any, where: str) -> None:
        nonlocal objects
        if isinstance(node, dict):
            if node.get("type") == "object":
                objects += 1
                assert node.get("additionalProperties", True) is not True, where
                if "properties" in node:
                    assert node["additionalProperties"] is False, where
                    assert set(node["required"]) <= set(node["properties"]), where
            for key, child in node.items():
                walk(child, f"{where}/{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{where}/{i}")

    walk(schema, "#")
    assert objects >= 19


# --- values files: golden, round trip, injection ---------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_golden_values(generated, case: str) -> None:
    golden = GOLDEN_DIR / f"values-{case}.yaml"
    text = generated[case][1]
    if os.environ.get("UPDATE_GOLDEN") == "1":
        write_values(build_values(**CASES[case]), golden)
    assert golden.read_bytes() == text.encode("utf-8"), f"regenerate with UPDATE_GOLDEN=1 ({golden})"


@pytest.mark.parametrize("case", list(CASES))
def test_values_round_trip_through_python_and_helm_parsers(generated, case: str) -> None:
    values = build_values(**CASES[case])
    text = generated[case][1]
    assert yaml.safe_load(text) == values
    assert generated[case][0] == values


@pytest.mark.parametrize(
    "nasty",
    [
        NASTY,
        "{{ .Values.config.llmModelId }}",
        '{{- fail "boom" -}}',
        "=cmd|' /C calc'!A0",
        "+SUM(1,2)",
        "@import",
        "- item",
        "key: value # not a comment",
        "y",
        "no",
        "1e3",
        "0o17",
        "  padded  ",
        "line\r\nwith\ttab and \u2028 and émoji 😀",
        "",
    ],
)
def test_free_form_env_value_is_a_literal_string(chart: helm.Chart, tmp_path: Path, nasty: str) -> None:
    values = build_values(**{**CASES["dev-small"], "extra_env": {"CLIENT_NAME": nasty}})
    path = tmp_path / "values-dev.yaml"
    write_values(values, path)
    text = path.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["backend"]["env"]["CLIENT_NAME"] == nasty
    as_helm_reads_it = helm.values_from_yaml(text)
    assert as_helm_reads_it == values
    docs = render(chart, as_helm_reads_it)
    assert by_kind(docs, "ConfigMap")["chat-app-backend"]["data"]["CLIENT_NAME"] == nasty
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


# --- generator input checks, idle timeout, file writing ------------------------------


@pytest.mark.parametrize(
    ("stream", "idle"), [(1, 60), (30, 60), (30.2, 61), (45, 90), (150.2, 301), (2000, 4000)]
)
def test_idle_timeout_formula(stream: float, idle: int) -> None:
    assert idle_timeout_seconds(stream) == idle == max(60, math.ceil(2 * stream))


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"environment": "production"}, "environment must be one of dev, staging, prod"),
        ({"region": "US-EAST-1"}, "region must be"),
        ({"zones": 0}, "zones must be an integer between 1 and 6"),
        ({"zones": 7}, "zones must be an integer between 1 and 6"),
        ({"stream_timeout_s": 0}, "stream_timeout_s must be > 0 and <= 2000"),
        ({"stream_timeout_s": 2000.5}, "stream_timeout_s must be > 0 and <= 2000"),
        ({"stream_timeout_s": float("nan")}, "stream_timeout_s must be > 0"),
        ({"project": "Chat App"}, "project must be"),
        ({"users_table": "x"}, "users_table must be"),
        ({"llm_model_id": "model\nid"}, "llm_model_id must be"),
        ({"waf_enabled": "yes"}, "waf_enabled must be true or false"),
        ({"service_account": "Chat_SA"}, "service_account must be a Kubernetes name"),
        ({"extra_env": {"API_TOKEN": "x"}}, "extra_env.API_TOKEN looks like a secret"),
        ({"extra_env": {"LLM_MODEL_ID": "x"}}, "extra_env.LLM_MODEL_ID is set by the chart"),
        ({"extra_env": {"bad-name": "x"}}, "extra_env key 'bad-name' must match"),
        ({"extra_env": {"COUNT": 3}}, "extra_env.COUNT must be a string"),
    ],
)
def test_build_values_rejects_bad_input(override: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError) as err:
        build_values(**{**CASES["prod-medium"], **override})
    assert field in str(err.value)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((0, 1, 1, 250, 256, 500, 512), "WorkloadSize.replicas must be >= 1, got 0"),
        ((2, 3, 2, 250, 256, 500, 512), "WorkloadSize.hpa_min must be <= hpa_max (2), got 3"),
        ((5, 1, 4, 250, 256, 500, 512), "WorkloadSize.replicas must be between hpa_min (1) and hpa_max (4), got 5"),
        ((1, 1, 1, 600, 256, 500, 512), "WorkloadSize.cpu_request_m must be <= cpu_limit_m (500), got 600"),
        ((1, 1, 1, 250, 1024, 500, 512), "WorkloadSize.memory_request_mi must be <= memory_limit_mi (512), got 1024"),
        ((1, 1, 1, 250.5, 256, 500, 512), "WorkloadSize.cpu_request_m must be an integer >= 1, got 250.5"),
        ((1, 1, 1001, 250, 256, 500, 512), "WorkloadSize.hpa_max must be between 1 and 1000, got 1001"),
    ],
)
def test_workload_size_rejects_bad_numbers(args: tuple[Any, ...], field: str) -> None:
    with pytest.raises(ValueError) as err:
        WorkloadSize(*args)
    assert str(err.value) == field


def test_write_values_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "helm" / "values-prod.yaml"
    values = build_values(**CASES["prod-medium"])
    write_values(values, path)
    original = path.read_bytes()
    assert original.endswith(b"\n") and original == dump_values(values).encode()
    with pytest.raises(yaml.representer.RepresenterError):
        write_values({"bad": object()}, path)
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["values-prod.yaml"]


def test_copy_chart_into_a_bundle(chart: helm.Chart, tmp_path: Path, generated) -> None:
    dest = tmp_path / "bundle" / "helm"
    copied = copy_chart(dest)
    assert copied == dest / "chat-app"
    (copied / "stale.txt").write_text("old")
    copied = copy_chart(dest)  # a second copy replaces the first
    assert not (copied / "stale.txt").exists()
    assert sorted(p.name for p in dest.iterdir()) == ["chat-app"]
    source_files = sorted(p.relative_to(CHART_DIR) for p in CHART_DIR.rglob("*") if p.is_file())
    copied_files = sorted(p.relative_to(copied) for p in copied.rglob("*") if p.is_file())
    assert copied_files == source_files
    with helm.Chart.load(copied) as bundled:
        values = generated["prod-enterprise"][0]
        expected = chart.render(values, name=RELEASE, namespace=NAMESPACE)
        assert bundled.render(values, name=RELEASE, namespace=NAMESPACE) == expected


@pytest.mark.parametrize("case", ["dev-small", "prod-enterprise"])
def test_helm_lint_strict_passes(generated, case: str) -> None:
    report = helm.lint(CHART_DIR, generated[case][0], strict=True, kube_version=f"v{KUBERNETES_VERSION}.0")
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []
