"""price-template on a generated bundle: the bundle's CDK app is synthesized once (module fixture, ~30-60 s),
then `price_template(cdk.out, usage.yaml)` is compared with the estimate line by line.

Every resource is priced, free or listed unsupported; the hourly and monthly lines (NAT hours, EKS cluster
hours, node instance-hours at desired size, node volumes, KMS keys and their rotated versions, secrets,
interface endpoints, WAF, ElastiCache nodes) have the estimate's quantities; with the bundle's usage.yaml the
usage lines do too, its `outside` section prices the Ingress's ALB and the account usage no resource carries, and
the total is the estimate's infrastructure total to the cent.
"""
from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import json
from collections import Counter
from decimal import Decimal

import pytest

from generators.bundle import USAGE_FILE, generate_bundle
from generators.cdk import load_bundle_app
from generators.cdk_config import load_config
from generators.usage_file import cdk_logical_id
from pricing.catalog import load_snapshot
from pricing.engine import estimate
from pricing.template import OUTSIDE_STACK, price_template
from sizing.scenario import parse_scenario

SCENARIO = {"concurrent_users": 2000, "compliance": "hipaa", "waf_enabled": True, "spot_share_pct": 40,
            "elasticache_enabled": True}
H = Decimal(730)

#: The compliance lines of the HIPAA scenario: the bundle deploys each (trail, recorder + rules, detector).
COMPLIANCE_KEYS = ("cloudtrail:data-events-100k", "guardduty:cloudtrail-events-million", "guardduty:flow-logs-gb",
                   "config:configuration-item", "config:rule-evaluation")
#: Keys priced by both with the same quantity (template lines summed per key).
SAME_KEYS = ("eks:cluster-hour", "vpc:nat-gateway-hour", "vpc:nat-gateway-gb", "vpc:interface-endpoint-hour",
             "vpc:interface-endpoint-gb", "ebs:gp3-gb-month", "kms:key-month", "kms:requests-10k",
             "secretsmanager:secret-month", "secretsmanager:api-requests-10k", "waf:web-acl-month", "waf:rule-month",
             "waf:requests-million", "dynamodb:write-request-million", "dynamodb:read-request-million",
             "dynamodb:storage-gb-month", "dynamodb:pitr-gb-month", "backup:dynamodb-gb-month",
             "cloudfront:data-out-gb", "cloudfront:https-requests-10k", "s3:standard-gb-month", "s3:put-requests-1k",
             "s3:get-requests-1k", "cloudwatch:logs-ingest-gb", "cloudwatch:logs-storage-gb-month") + COMPLIANCE_KEYS


@pytest.fixture(scope="module")
def priced(tmp_path_factory: pytest.TempPathFactory):
    catalog = load_snapshot()
    scenario = parse_scenario(dict(SCENARIO))
    est = estimate(scenario, catalog)
    root = generate_bundle(scenario, tmp_path_factory.mktemp("tpl") / "bundle", catalog=catalog)
    config = load_config(root / "cdk" / "config" / f"{scenario.environment.value}.yaml")
    module = load_bundle_app(root / "cdk", "tiersizer_cdk_app_price_template")
    module.build_app(root / "cdk" / "config" / f"{config.environment}.yaml", outdir=str(root / "cdk" / "cdk.out")).synth()
    tp = price_template([root / "cdk" / "cdk.out"], root / USAGE_FILE, None, catalog)
    return est, tp, root, catalog


def _by_key(lines, attr: str = "monthly_usd") -> Counter:
    out: Counter = Counter()
    for ln in lines:
        out[ln.price_key] += getattr(ln, attr)
    return out


def test_every_resource_is_priced_free_or_unsupported(priced) -> None:
    est, tp, root, _ = priced
    total = sum(len(json.loads(p.read_text())["Resources"]) for p in (root / "cdk" / "cdk.out").glob("*.template.json"))
    resources_priced = {(t.stack, t.logical_id) for t in tp.lines if t.stack != OUTSIDE_STACK}
    assert len(resources_priced) + sum(n for _, n in tp.free) + sum(u.count for u in tp.unsupported) == total
    # the one unsupported pair: CDK's CfnJson custom resource and its Lambda (run once at deploy time)
    assert [(u.type, u.count) for u in tp.unsupported] == [("AWS::Lambda::Function", 1), ("Custom::AWSCDKCfnJson", 1)]
    assert tp.region == est.scenario.region            # from cdk.out/manifest.json


def test_hourly_and_usage_lines_match_the_estimate(priced) -> None:
    est, tp, _, _ = priced
    est_lines = [ln for ln in est.lines if ln.category != "llm"]
    tpl_lines = [t.line for t in tp.lines]
    e_qty, t_qty = _by_key(est_lines, "quantity"), _by_key(tpl_lines, "quantity")
    e_usd, t_usd = _by_key(est_lines), _by_key(tpl_lines)
    for key in SAME_KEYS:
        assert t_qty[key] == e_qty[key], key
        assert t_usd[key] == e_usd[key], key
    assert all(e_qty[key] > 0 for key in COMPLIANCE_KEYS)     # HIPAA prices every one of them
    # nodes: the plan's desired on-demand + spot nodes x 730 h, on-demand at list price, spot less 60%
    n = est.plan.nodes
    node_key = f"ec2:{n.instance_type}"
    assert t_qty[node_key] == (n.on_demand + n.spot) * H
    assert t_usd[node_key] == e_usd[node_key]
    cache_key = f"elasticache:{est.plan.elasticache_node_type}"
    assert t_qty[cache_key] == est.plan.elasticache_nodes * H == e_qty[cache_key]


def test_totals_match_the_estimate_to_the_cent(priced) -> None:
    est, tp, root, catalog = priced
    region = est.scenario.region
    assert tp.monthly_usd == est.monthly_usd - est.llm_usd == est.infrastructure_usd
    # the ALB is outside the CloudFormation (the controller makes it from the Ingress): the usage file's
    # k8s:Ingress entry prices it, 1 ALB x 730 h, one public address per AZ x 730 h
    alb = {t.line.price_key: t.line for t in tp.lines if t.type == "k8s:Ingress"}
    azs = est.plan.network.availability_zones
    assert alb["elb:alb-hour"].quantity == H and alb["vpc:public-ipv4-hour"].quantity == azs * H
    assert alb["vpc:public-ipv4-hour"].monthly_usd == (azs * H * catalog.price("vpc:public-ipv4-hour", region).usd
                                                      ).quantize(Decimal("0.01"))
    # account usage (no resource): the estimate's lines, same keys and quantities
    account = {t.line.price_key: t.line for t in tp.lines if t.type == "account"}
    for key in ("xray:traces-million", "cloudwatch:metric-month", "datatransfer:internet-out-gb"):
        (e,) = [ln for ln in est.lines if ln.price_key == key]
        assert (account[key].quantity, account[key].monthly_usd) == (e.quantity, e.monthly_usd), key
    # alarms and dashboards: each is a template line, at 0 under the account's always-free tier (10 and 3)
    types = Counter(r["Type"] for p in (root / "cdk" / "cdk.out").glob("*.template.json")
                    for r in json.loads(p.read_text())["Resources"].values())
    free = [t.line for t in tp.lines if t.line.price_key in ("cloudwatch:alarm-month", "cloudwatch:dashboard-month")]
    assert len(free) == types["AWS::CloudWatch::Alarm"] + types["AWS::CloudWatch::Dashboard"] <= 10 + 3
    assert all(ln.monthly_usd == 0 and "always-free" in ln.note for ln in free)
    # provisioned DynamoDB (the estimate's choice here): auto scaling moves the chats table's capacity with the
    # load, so the bundle's usage.yaml gives the table the estimate's capacity-unit-hours (docs/price-template.md)
    e_qty, t_qty = _by_key((ln for ln in est.lines if ln.category != "llm"), "quantity"), \
        _by_key((t.line for t in tp.lines), "quantity")
    assert est.dynamodb_mode.recommended == "provisioned"
    for key in ("dynamodb:wcu-hour", "dynamodb:rcu-hour"):
        assert t_qty[key] == e_qty[key], key
    # KMS: each key and its 2 billed rotated versions (rotation on in the security stack)
    keys = types["AWS::KMS::Key"]
    assert t_qty["kms:key-month"] == e_qty["kms:key-month"] == keys * 3


def test_compliance_stack_deploys_what_is_priced(priced) -> None:
    est, tp, root, _ = priced
    c = est.plan.compliance
    (path,) = (root / "cdk" / "cdk.out").glob("*-Compliance.template.json")
    types = Counter(r["Type"] for r in json.loads(path.read_text())["Resources"].values())
    # HIPAA: trail + audit bucket, recorder + one rule per listed rule, detector; no Security Hub or Macie
    assert types["AWS::CloudTrail::Trail"] == types["AWS::Config::ConfigurationRecorder"] == 1
    assert types["AWS::GuardDuty::Detector"] == 1 and types["AWS::S3::Bucket"] == 1
    assert types["AWS::Config::ConfigRule"] == len(c.config_rules) == 18     # the HIPAA list
    assert types["AWS::SecurityHub::Hub"] == types["AWS::Macie::Session"] == 0
    # each rule carries items evaluations: the template's evaluations = items x rules = the estimate's line
    rules = [t.line for t in tp.lines if t.type == "AWS::Config::ConfigRule"]
    assert {r.quantity for r in rules} == {Decimal(str(c.config_items_month))}
    assert sum(r.quantity for r in rules) == Decimal(str(c.config_evaluations_month))


def test_each_interface_endpoint_carries_its_own_gb(priced) -> None:
    """HIPAA with a Bedrock model: the seven endpoints, each priced with the GB its estimate line gives it."""
    est, tp, _, _ = priced
    names = est.plan.network.interface_endpoints
    assert names == ("secretsmanager", "bedrock-runtime", "logs", "ecr.api", "ecr.dkr", "sts", "kms")
    est_gb = [ln.quantity for ln in est.lines if ln.price_key == "vpc:interface-endpoint-gb"]
    tpl_gb = [t.line.quantity for t in tp.lines if t.line.price_key == "vpc:interface-endpoint-gb"]
    assert len(est_gb) == len(names) and sorted(tpl_gb) == sorted(est_gb)
    hours = [t.line.quantity for t in tp.lines if t.line.price_key == "vpc:interface-endpoint-hour"]
    assert hours == [est.plan.network.availability_zones * H] * len(names)     # 3 AZs x 730 h each


def test_usage_file_names_the_synthesized_logical_ids(priced) -> None:
    _, tp, root, _ = priced
    import yaml
    usage = yaml.safe_load((root / USAGE_FILE).read_text())
    ids = {t.logical_id for t in tp.lines}
    assert set(usage["resources"]) <= ids
    assert cdk_logical_id("ChatsTable", "Resource") == "ChatsTable5DD46F92"
    assert cdk_logical_id("Vpc", "publicSubnet1", "NATGateway") == "VpcpublicSubnet1NATGatewayA036E8A6"
    assert cdk_logical_id("WebAcl") == "WebAcl"
