"""The inventory equals what the bundle deploys, count for count, both ways, across a matrix of bundles.

Eight scenarios (dev/staging/prod x none/HIPAA/PCI/SOC 2/GDPR x 40..20,000 users x Karpenter, provisioned
DynamoDB, ElastiCache, backup policies): each bundle is generated, its CDK app synthesized in-process (one
module fixture) and its chat-app Helm values rendered with the real chart (helm-python-sdk). For every
CloudFormation kind of the inventory the templates hold exactly `count` resources of that type (across stacks);
every type the templates hold that price-template prices (not free) is in the inventory with the same count;
`k8s:Ingress` equals the rendered Ingress objects and `k8s:NodePool` the Karpenter NodePool manifests.
"""
from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import json
from collections import Counter
from pathlib import Path

import helm_python as helm
import pytest
import yaml

from generators.bundle import generate_bundle
from generators.cdk import load_bundle_app
from generators.cdk_from_estimate import cdk_config_from_estimate
from generators.helm import CHART_DIR
from pricing.catalog import load_snapshot
from pricing.engine import estimate
from pricing.inventory import EXTERNAL, EXTERNAL_UNPRICED, KIND_BY_KEY, NODEGROUP, NODES, inventory, line_kind
from pricing.schema import EstimateDoc, estimate_to_dict
from pricing.template import price_template
from pricing.template.resources import PRICERS, is_free
from sizing import assumptions as A
from sizing.scenario import parse_scenario

SCENARIOS: dict[str, dict] = {
    "dev-none-40-karpenter": {"environment": "dev", "concurrent_users": 40, "node_provisioner": "karpenter"},
    "dev-gdpr-300": {"environment": "dev", "concurrent_users": 300, "compliance": "gdpr"},
    "staging-soc2-1000-cache": {"environment": "staging", "concurrent_users": 1000, "compliance": "soc2",
                                "elasticache_enabled": True},
    "staging-pci-3000-daily": {"environment": "staging", "concurrent_users": 3000, "compliance": "pci",
                               "backup_policy": "daily-30"},
    "prod-none-20000": {"environment": "prod", "concurrent_users": 20000},
    "prod-hipaa-2000-cache-spot": {"environment": "prod", "concurrent_users": 2000, "compliance": "hipaa",
                                   "waf_enabled": True, "spot_share_pct": 40, "elasticache_enabled": True},
    "prod-soc2-gdpr-5000-karpenter": {"environment": "prod", "concurrent_users": 5000, "compliance": "soc2,gdpr",
                                      "node_provisioner": "karpenter", "spot_share_pct": 50},
    "prod-pci-10000-pitr": {"environment": "prod", "concurrent_users": 10000, "compliance": "pci",
                            "backup_policy": "pitr-only"},
}

#: No documented mismatch: every kind is counted the same by the inventory and the synthesized app.
EXCEPTIONS: dict[str, str] = {}


def _cfn_types(cdk_out: Path) -> Counter:
    """Resource types across the stacks; VPC endpoints counted only when Interface (gateway ones are free)."""
    out: Counter = Counter()
    for path in cdk_out.glob("*.template.json"):
        for res in json.loads(path.read_text())["Resources"].values():
            props = res.get("Properties") or {}
            if res["Type"] == "AWS::EC2::VPCEndpoint" and props.get("VpcEndpointType", "Gateway") == "Gateway":
                continue
            out[res["Type"]] += 1
    return out


def _k8s_kinds(chart: helm.Chart, helm_dir: Path, env: str) -> Counter:
    values = helm.values_from_yaml((helm_dir / f"values-{env}.yaml").read_text())
    docs = [d for path, text in sorted(chart.render(values, name="chat-app", namespace="chat-app").items())
            if path.endswith(".yaml") for d in yaml.safe_load_all(text) if d]
    pools = helm_dir / "karpenter" / f"nodepools-{env}.yaml"
    if pools.exists():
        docs += [d for d in yaml.safe_load_all(pools.read_text()) if d]
    return Counter(f"k8s:{d['kind']}" for d in docs)


def _inventory_warnings(assembly) -> list[str]:  # type: ignore[no-untyped-def]
    """The synth's warnings from stacks/inventory_check.py (the app against config.estimate_inventory)."""
    return [str(m.entry.data) for st in assembly.stacks for m in st.messages if "tiersizer:inventory" in str(m.entry.data)]


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory):
    helm.disable_logging()
    catalog = load_snapshot()
    chart = helm.Chart.load(CHART_DIR)
    out = {}
    try:
        for n, (name, data) in enumerate(SCENARIOS.items()):
            scenario = parse_scenario(dict(data))
            est = estimate(scenario, catalog)
            root = generate_bundle(scenario, tmp_path_factory.mktemp(f"inv{n}") / "bundle", catalog=catalog)
            env = scenario.environment.value
            module = load_bundle_app(root / "cdk", f"tiersizer_cdk_app_inventory_{n}")
            cdk_out = root / "cdk" / "cdk.out"
            assembly = module.build_app(root / "cdk" / "config" / f"{env}.yaml", outdir=str(cdk_out)).synth()
            tp = price_template([cdk_out], None, None, catalog)
            out[name] = (est, _cfn_types(cdk_out), _k8s_kinds(chart, root / "helm", env), tp,
                         _inventory_warnings(assembly))
    finally:
        chart.close()
    return out


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_cloudformation_equals_the_inventory_both_ways(bundles, name: str) -> None:
    est, types, _, _, _ = bundles[name]
    items = {it.kind: it for it in inventory(est) if it.kind.startswith("AWS::")}
    for kind, it in items.items():
        if kind in EXCEPTIONS:
            continue
        assert types[kind] == it.count, (kind, types[kind], it.count)
    priced = {t for t in types if t in PRICERS and not is_free(t)}
    assert not priced - set(items), f"deployed and priced by price-template, not in the inventory: {priced - set(items)}"
    for kind in priced - set(EXCEPTIONS):
        assert items[kind].count == types[kind], kind
    # alarms: the plan's 8, of which the 2 on the ALB's metrics come with the second deploy (the controller makes
    # the ALB after `cdk deploy`; docs/cdk.md), so the first deploy's CloudFormation has 8 - 2 = 6
    assert A.ALARMS == 8 and len(A.ALB_ALARMS) == 2
    assert items["AWS::CloudWatch::Alarm"].count == types["AWS::CloudWatch::Alarm"] == 6


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_app_carries_the_inventory_and_synth_finds_no_difference(bundles, name: str) -> None:
    """The generated config holds the estimate's CloudFormation counts; the app counts its own resources against
    them at synth (stacks/inventory_check.py) and, for a generated bundle, finds nothing to warn about."""
    est, types, _, _, warnings = bundles[name]
    expected = {it.kind: it.count for it in inventory(est) if it.kind.startswith("AWS::") and it.count}
    assert cdk_config_from_estimate(est).estimate_inventory == expected
    assert all(types[kind] == n for kind, n in expected.items())
    assert warnings == []


def test_synth_warns_when_the_config_is_edited_away_from_the_estimate(tmp_path) -> None:
    """A platform team lowers the NAT gateways from 3 to 1 by hand: synth says the bill will differ (3 priced,
    1 deployed, and 1 EIP instead of 3)."""
    scenario = parse_scenario({"environment": "prod", "concurrent_users": 2000})
    root = generate_bundle(scenario, tmp_path / "bundle")
    path = root / "cdk" / "config" / "prod.yaml"
    doc = yaml.safe_load(path.read_text())
    assert doc["network"]["nat_gateways"] == 3 and doc["estimate_inventory"]["AWS::EC2::NatGateway"] == 3
    doc["network"]["nat_gateways"] = 1
    path.write_text(yaml.safe_dump(doc))
    module = load_bundle_app(root / "cdk", "tiersizer_cdk_app_inventory_edited")
    found = _inventory_warnings(module.build_app(path, outdir=str(tmp_path / "out")).synth())
    assert [w.split(";")[0] for w in found] == ["AWS::EC2::EIP: the estimate priced 3, this app deploys 1",
                                                "AWS::EC2::NatGateway: the estimate priced 3, this app deploys 1"]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_kubernetes_objects_equal_the_inventory(bundles, name: str) -> None:
    est, _, k8s, _, _ = bundles[name]
    items = {it.kind: it.count for it in inventory(est) if it.kind.startswith("k8s:")}
    assert items["k8s:Ingress"] == k8s["k8s:Ingress"] == 1
    assert items.get("k8s:NodePool", 0) == k8s["k8s:NodePool"]
    assert (k8s["k8s:NodePool"] > 0) == est.plan.provisioner.karpenter


UNPRICED = {reason for reason, _ in EXTERNAL_UNPRICED}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_line_maps_to_exactly_one_item(bundles, name: str) -> None:
    est = bundles[name][0]
    items = inventory(est)
    indices = [i for it in items for i in it.lines]
    assert sorted(indices) == list(range(len(est.lines)))           # every line once, no line twice
    for it in items:
        # every item names its lines, but what the bundle uses and does not create (not priced: zone, certificate,
        # registry)
        assert it.lines or (it.kind == EXTERNAL and it.reason in UNPRICED), it.kind
        if it.lines:
            assert set(it.price_keys) == {est.lines[i].price_key for i in it.lines} - {None}
        assert (it.reason is not None) == (it.kind == EXTERNAL)
    doc = estimate_to_dict(est)
    EstimateDoc.model_validate(doc)
    assert [ln["inventory_kind"] for ln in doc["cost"]["lines"]] == [line_kind(ln, est.plan)[0] for ln in est.lines]
    assert [d["kind"] for d in doc["inventory"]] == [it.kind for it in items]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_kinds_agree_with_the_price_template_registry(bundles, name: str) -> None:
    """Each synthesized resource's price-template lines: the inventory's kind for the key is the resource's type."""
    _, _, _, tp, _ = bundles[name]
    assert tp.lines
    for t in tp.lines:
        kind = KIND_BY_KEY.get(t.line.price_key) or (NODES if t.line.price_key.startswith("ec2:") else
                                                     "AWS::ElastiCache::ReplicationGroup")
        assert (NODEGROUP if kind == NODES else kind) == t.type, (t.type, t.line.price_key)


def test_hand_counts_of_the_hipaa_bundle(bundles) -> None:
    """prod HIPAA, 2,000 users: 3 AZs, one NAT + EIP each; KMS = the secrets key + 4 CMKs (dynamodb, s3, ebs, logs);
    buckets = static + log archive + ALB access logs + the audit bucket; 18 Config rules (the HIPAA list)."""
    est, types, _, _, _ = bundles["prod-hipaa-2000-cache-spot"]
    items = {it.kind: it.count for it in inventory(est)}
    assert items["AWS::EC2::NatGateway"] == items["AWS::EC2::EIP"] == 3 == types["AWS::EC2::EIP"]
    assert items["AWS::KMS::Key"] == 1 + 4 == types["AWS::KMS::Key"]
    assert items["AWS::S3::Bucket"] == 2 + 1 + 1 == types["AWS::S3::Bucket"]
    assert items["AWS::Config::ConfigRule"] == 18 == types["AWS::Config::ConfigRule"]
    assert items["AWS::EC2::VPCEndpoint"] == 7 == types["AWS::EC2::VPCEndpoint"]   # secretsmanager, bedrock, logs, ecr x2, sts, kms
    assert items["AWS::Backup::BackupPlan"] == items["AWS::ElastiCache::ReplicationGroup"] == 1


def test_karpenter_bundle_has_the_system_group_and_nodepools(bundles) -> None:
    """prod, 50% spot, Karpenter: one managed system node group; NodePools on-demand + general (2)."""
    est, types, k8s, _, _ = bundles["prod-soc2-gdpr-5000-karpenter"]
    items = {it.kind: it for it in inventory(est)}
    assert items["AWS::EKS::Nodegroup"].count == 1 == types["AWS::EKS::Nodegroup"]
    assert items["k8s:NodePool"].count == 2 == k8s["k8s:NodePool"]
    system = [est.lines[i].item for i in items["AWS::EKS::Nodegroup"].lines]
    assert len(system) == 1 and "Karpenter system node group" in system[0]


DR_SCENARIOS: dict[str, dict] = {
    "prod-backup-copy": {"environment": "prod", "concurrent_users": 250, "dr": "backup-copy"},
    "dev-pitr-only-backup-copy": {"environment": "dev", "concurrent_users": 40, "dr": "backup-copy"},
    "prod-hipaa-warm-standby": {"environment": "prod", "concurrent_users": 2000, "compliance": "hipaa",
                                "dr": "warm-standby"},
}


@pytest.fixture(scope="module")
def dr_bundles(tmp_path_factory: pytest.TempPathFactory):
    catalog = load_snapshot()
    out = {}
    for n, (name, data) in enumerate(DR_SCENARIOS.items()):
        scenario = parse_scenario(dict(data))
        est = estimate(scenario, catalog)
        root = generate_bundle(scenario, tmp_path_factory.mktemp(f"dr{n}") / "bundle", catalog=catalog)
        module = load_bundle_app(root / "cdk", f"tiersizer_cdk_app_inventory_dr_{n}")
        cdk_out = root / "cdk" / "cdk.out"
        module.build_app(root / "cdk" / "config" / f"{scenario.environment.value}.yaml", outdir=str(cdk_out)).synth()
        out[name] = (est, _cfn_types(cdk_out))
    return out


@pytest.mark.parametrize("name", list(DR_SCENARIOS))
def test_dr_bundles_deploy_the_inventory_both_ways(dr_bundles, name: str) -> None:
    """The DR Region's vault, global tables and standby cluster are counted like the primary's resources."""
    est, types = dr_bundles[name]
    items = {it.kind: it for it in inventory(est) if it.kind.startswith("AWS::")}
    for kind, it in items.items():
        if kind not in EXCEPTIONS:
            assert types[kind] == it.count, (kind, it.count, types[kind])
    for kind in types:
        if kind in PRICERS and not is_free(kind) and kind not in EXCEPTIONS:
            assert kind in items, kind
    assert all(len(it.lines) > 0 for it in inventory(est) if it.count)


def test_dr_hand_counts(dr_bundles) -> None:
    # backup-copy: the primary vault + the DR vault; the DR copies' storage is the DR vault's line
    est, types = dr_bundles["prod-backup-copy"]
    assert types["AWS::Backup::BackupVault"] == 2
    vault = next(it for it in inventory(est) if it.kind == "AWS::Backup::BackupVault")
    assert all("copies" in est.lines[i].item for i in vault.lines)
    # warm standby: both tables global, a second cluster with one node group, 3 + 1 NAT gateways and EIPs,
    # and the replica tables' KMS key (HIPAA: the dynamodb CMK) on top of the secrets key + 4 CMKs
    est, types = dr_bundles["prod-hipaa-warm-standby"]
    assert types["AWS::DynamoDB::GlobalTable"] == 2 and types["AWS::DynamoDB::Table"] == 0
    assert types["AWS::EKS::Cluster"] == 2 and types["AWS::EC2::NatGateway"] == types["AWS::EC2::EIP"] == 4
    assert types["AWS::KMS::Key"] == 1 + 4 + 1
    standby_alb = [it for it in inventory(est) if it.kind == "external" and it.reason and "standby ALB" in it.reason]
    assert len(standby_alb) == 1 and len(standby_alb[0].lines) == 1
