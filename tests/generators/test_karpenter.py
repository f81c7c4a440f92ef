"""Karpenter in the bundle: NodePool / EC2NodeClass validated against the CRD schemas of the pinned chart
(tests/fixtures/karpenter/, v1.14.1), chart values checked against the chart's values.yaml, and the CDK config
mapping (only the system node group, Karpenter enabled)."""
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generators.bundle import generate_bundle
from generators.cdk_from_estimate import cdk_config_from_estimate
from generators.karpenter import karpenter_manifests, karpenter_values
from pricing.engine import estimate
from sizing import assumptions as A
from sizing.scenario import parse_scenario

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "karpenter"
CRDS = {("karpenter.sh/v1", "NodePool"): "karpenter.sh_nodepools.yaml",
        ("karpenter.k8s.aws/v1", "EC2NodeClass"): "karpenter.k8s.aws_ec2nodeclasses.yaml"}
FLAT = {"active_hours_per_day": 24, "active_days_per_week": 7, "active_load_pct_of_peak": 100,
        "quiet_load_pct_of_peak": 100}


def _schema(api_version: str, kind: str) -> dict[str, Any]:
    crd = yaml.safe_load((FIXTURES / CRDS[(api_version, kind)]).read_text())
    group, version = api_version.split("/")
    assert crd["spec"]["group"] == group and crd["spec"]["names"]["kind"] == kind
    (served,) = [v for v in crd["spec"]["versions"] if v["name"] == version]
    return served["schema"]["openAPIV3Schema"]


def _validate(doc: dict[str, Any]) -> None:
    schema = _schema(doc["apiVersion"], doc["kind"])
    jsonschema.Draft7Validator(schema).validate(doc)


def _est(env: str = "prod", spot: float | None = None, users: int = 100000, provisioner: str = "karpenter"):
    data = {"concurrent_users": users, "environment": env, "node_provisioner": provisioner, **FLAT}
    if spot is not None:
        data["spot_share_pct"] = spot
    return estimate(parse_scenario(data))


def test_pinned_version_is_the_vendored_one():
    assert A.KARPENTER_VERSION == "1.14.1"
    assert "v1.14.1" in (FIXTURES / "README.md").read_text()


@pytest.mark.parametrize(("env", "spot", "pools"), [
    ("prod", 80.0, ["on-demand", "general"]), ("prod", 0.0, ["general"]), ("dev", None, ["general"]),
    ("staging", None, ["on-demand", "general"])])
def test_manifests_validate_against_the_crds(env, spot, pools):
    docs = karpenter_manifests(_est(env, spot))
    assert [d["kind"] for d in docs] == ["EC2NodeClass"] + ["NodePool"] * len(pools)
    assert [d["metadata"]["name"] for d in docs[1:]] == pools
    for doc in docs:
        _validate(doc)


def test_schema_rejects_what_the_crd_forbids():
    """The validation can fail: a bad consolidation policy, weight 0 and a missing nodeClassRef are refused."""
    pool = karpenter_manifests(_est("prod", 80.0))[1]
    for path, value in ((("disruption", "consolidationPolicy"), "WhenIdle"), (("weight",), 0),
                        (("disruption", "consolidateAfter"), "10 minutes")):
        bad = yaml.safe_load(yaml.safe_dump(pool))
        node = bad["spec"]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        with pytest.raises(jsonschema.ValidationError):
            _validate(bad)
    bad = yaml.safe_load(yaml.safe_dump(pool))
    del bad["spec"]["template"]["spec"]["nodeClassRef"]
    with pytest.raises(jsonschema.ValidationError):
        _validate(bad)


def test_prod_node_pools_follow_the_plan():
    est = _est("prod", 80.0)
    node_class, on_demand, general = karpenter_manifests(est)
    req = {r["key"]: r for r in general["spec"]["template"]["spec"]["requirements"]}
    assert req["karpenter.sh/capacity-type"]["values"] == ["spot", "on-demand"]
    assert req["karpenter.k8s.aws/instance-family"]["values"] == ["c5", "c6i", "c7i"]   # c5.2xlarge + same class
    assert req["kubernetes.io/arch"]["values"] == ["amd64"]
    od_req = {r["key"]: r for r in on_demand["spec"]["template"]["spec"]["requirements"]}
    assert od_req["karpenter.sh/capacity-type"]["values"] == ["on-demand"]
    # on-demand pool: 3 on-demand c5.2xlarge = 24 vCPU, 48 GiB; general: ceil(9 x 8 x 1.2) - 24 = 63, ceil(9 x 16 x 1.2) - 48 = 125
    assert on_demand["spec"]["limits"] == {"cpu": "24", "memory": "48Gi"} and on_demand["spec"]["weight"] == 100
    assert general["spec"]["limits"] == {"cpu": "63", "memory": "125Gi"} and "weight" not in general["spec"]
    assert general["spec"]["disruption"] == {"consolidationPolicy": "WhenEmptyOrUnderutilized",
                                             "consolidateAfter": "600s"}
    assert node_class["spec"]["role"] == cdk_config_from_estimate(est).karpenter_node_role_name
    assert node_class["spec"]["subnetSelectorTerms"] == [{"tags": {"karpenter.sh/discovery": "chatapp-prod"}}]


def _keys(d: dict[str, Any], prefix: str = "") -> set[str]:
    out = set()
    for k, v in d.items():
        out.add(prefix + k)
        if isinstance(v, dict) and v:
            out |= _keys(v, f"{prefix}{k}.")
    return out


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_values_use_keys_of_the_pinned_chart(env):
    chart = yaml.safe_load((FIXTURES / "chart" / "values.yaml").read_text())
    values = karpenter_values(_est(env))
    free_maps = ("controller.resources.", "nodeSelector.")      # the chart's {} maps take any key
    unknown = [k for k in _keys(values) if k not in _keys(chart) and not k.startswith(free_maps)]
    assert unknown == []
    assert values["replicas"] == (2 if env == "prod" else 1)
    assert values["settings"] == {"clusterName": f"chatapp-{env}", "interruptionQueue": f"chatapp-{env}"}
    assert values["controller"]["resources"]["requests"] == {"cpu": "1000m", "memory": "1024Mi"}


def test_cdk_config_has_only_the_system_group():
    est = _est("prod", 80.0)
    karp = cdk_config_from_estimate(est)
    assert karp.karpenter.enabled and karp.karpenter.version == A.KARPENTER_VERSION
    # the Pod Identity association names the service account the chart's values create
    assert (karp.karpenter.namespace, karp.karpenter.service_account) == (
        "kube-system", karpenter_values(est)["serviceAccount"]["name"])
    ((group,),) = [karp.node_groups]
    assert (group.name, group.capacity_type, group.instance_types) == ("system", "ON_DEMAND", ["t3.medium"])
    assert (group.min_size, group.desired_size, group.max_size) == (2, 2, 3)
    mng = cdk_config_from_estimate(_est("prod", 80.0, provisioner="managed-nodegroup"))
    assert not mng.karpenter.enabled and [g.name for g in mng.node_groups] == ["on-demand", "spot"]


def test_bundle_writes_karpenter_files_only_with_karpenter(tmp_path):
    scen = {"concurrent_users": 2000, "environment": "staging"}
    generate_bundle(parse_scenario({**scen, "node_provisioner": "karpenter"}), tmp_path / "k", pdf_charts="vector")
    files = sorted(p.name for p in (tmp_path / "k" / "helm" / "karpenter").iterdir())
    assert files == ["nodepools-staging.yaml", "values-staging.yaml"]
    docs = list(yaml.safe_load_all((tmp_path / "k" / "helm" / "karpenter" / "nodepools-staging.yaml").read_text()))
    for doc in docs:
        _validate(doc)
    generate_bundle(parse_scenario(scen), tmp_path / "m", pdf_charts="vector")
    assert not (tmp_path / "m" / "helm" / "karpenter").exists()


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_values_render_with_the_vendored_chart(env):
    """Helm's own engine renders the pinned chart's templates with the generated values."""
    import helm_python as helm

    helm.disable_logging()
    values = karpenter_values(_est(env))
    chart = helm.Chart.load(FIXTURES / "chart")
    try:
        out = chart.render(values, name="karpenter", namespace="kube-system")
    finally:
        chart.close()
    docs = [d for path, text in sorted(out.items()) if path.endswith(".yaml") for d in yaml.safe_load_all(text) if d]
    (dep,) = [d for d in docs if d["kind"] == "Deployment"]
    pod = dep["spec"]["template"]["spec"]
    assert dep["spec"]["replicas"] == (2 if env == "prod" else 1)
    assert pod["serviceAccountName"] == "karpenter" and pod["nodeSelector"] == values["nodeSelector"]
    assert pod["dnsPolicy"] == "Default"
    (controller,) = pod["containers"]
    env_vars = {e["name"]: e.get("value") for e in controller["env"]}
    assert env_vars["CLUSTER_NAME"] == f"chatapp-{env}" and env_vars["INTERRUPTION_QUEUE"] == f"chatapp-{env}"
    assert controller["resources"] == {"requests": {"cpu": "1000m", "memory": "1024Mi"},
                                       "limits": {"cpu": "1000m", "memory": "1024Mi"}}
    # the chart keeps the controller off Karpenter's own nodes and one replica per node
    affinity = pod["affinity"]
    assert affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0][
        "matchExpressions"][0] == {"key": "karpenter.sh/nodepool", "operator": "DoesNotExist"}
    assert affinity["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]["topologyKey"] == \
        "kubernetes.io/hostname"
