"""The CDK app deploys the DR mode the estimate prices (docs/cdk.md § Disaster recovery): bundles generated from
estimates, synthesized in-process once per mode (module fixture), asserted with aws_cdk.assertions and linted with
cfn-lint in each stack's own Region."""
from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import yaml

from generators.bundle import USAGE_FILE, generate_bundle
from generators.cdk import load_bundle_app
from pricing.catalog import load_snapshot
from pricing.dr_summary import dr_summary
from pricing.engine import estimate
from pricing.template import price_template
from sizing.scenario import parse_scenario

CASES = {
    "copy-weekly": {"dr": "backup-copy", "compliance": "hipaa"},        # prod pitr+weekly, locked vaults
    "copy-pitr-only": {"dr": "backup-copy", "environment": "dev"},      # no rule of its own: one added for the copy
    "warm": {"dr": "warm-standby", "region": "eu-west-1", "compliance": "hipaa"},   # CMK, provisioned
    "warm-on-demand": {"dr": "warm-standby", "environment": "dev", "active_load_pct_of_peak": 10,
                       "quiet_load_pct_of_peak": 10},          # a flat, quiet load: on demand is cheaper
}


@pytest.fixture(scope="module")
def synths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    from aws_cdk.assertions import Template
    from cfnlint.api import ManualArgs, lint

    out: dict[str, dict[str, Any]] = {}
    catalog = load_snapshot()
    for case, raw in CASES.items():
        scenario = parse_scenario(raw)
        root = generate_bundle(scenario, tmp_path_factory.mktemp(case) / "bundle", catalog=catalog)
        module = load_bundle_app(root / "cdk", f"tiersizer_cdk_dr_{case.replace('-', '_')}")
        app = module.build_app(root / "cdk" / "config" / f"{scenario.environment.value}.yaml",
                               outdir=str(root / "cdk" / "cdk.out"))
        app.synth()
        stacks = {child.node.id.split("-", 2)[2]: child for child in app.node.children
                  if child.node.id.startswith("ChatApp-")}
        templates = {name: Template.from_stack(stack) for name, stack in stacks.items()}
        errors = [f"{name}: {m.rule.id} {m.message}" for name, stack in stacks.items()
                  for m in lint(yaml.safe_dump(templates[name].to_json()), config=ManualArgs(regions=[stack.region]))
                  if m.rule.severity == "error"]
        priced = price_template([root / "cdk" / "cdk.out"], root / USAGE_FILE, None, catalog)
        out[case] = {"stacks": stacks, "templates": templates, "lint_errors": errors, "estimate":
                     estimate(scenario, catalog), "priced": priced}
    return out


def _one(tpl: Any, rtype: str) -> dict[str, Any]:
    found = list(tpl.find_resources(rtype).values())
    assert len(found) == 1, (rtype, len(found))
    return found[0]["Properties"]


@pytest.mark.parametrize("case", CASES)
def test_cfn_lint_has_no_errors(synths: dict, case: str) -> None:
    assert synths[case]["lint_errors"] == []


def test_backup_copy_copies_each_recovery_point_to_the_dr_vault(synths: dict) -> None:
    s = synths["copy-weekly"]
    assert s["stacks"]["Dr"].region == "us-west-2" and s["stacks"]["Database"].region == "us-east-1"
    vault = _one(s["templates"]["Dr"], "AWS::Backup::BackupVault")
    assert vault["BackupVaultName"] == "chatapp-prod-dr-vault"
    assert vault["LockConfiguration"]["MinRetentionDays"] == 35             # HIPAA: the DR copies are locked too
    rule = _one(s["templates"]["Database"], "AWS::Backup::BackupPlan")["BackupPlan"]["BackupPlanRule"]
    assert len(rule) == 1 and rule[0]["RuleName"] == "weekly" and rule[0]["Lifecycle"]["DeleteAfterDays"] == 35
    (copy,) = rule[0]["CopyActions"]
    assert copy["Lifecycle"]["DeleteAfterDays"] == 35                        # the copies' retention = the rule's
    arn = "".join(p if isinstance(p, str) else "<ref>" for p in copy["DestinationBackupVaultArn"]["Fn::Join"][1])
    assert arn == "arn:<ref>:backup:us-west-2:<ref>:backup-vault:chatapp-prod-dr-vault"
    assert "Dr" in [d.node.id.split("-", 2)[2] for d in s["stacks"]["Database"].dependencies]


def test_backup_copy_with_pitr_only_adds_a_daily_rule_for_the_copy(synths: dict) -> None:
    s = synths["copy-pitr-only"]
    rule = _one(s["templates"]["Database"], "AWS::Backup::BackupPlan")["BackupPlan"]["BackupPlanRule"]
    assert [r["RuleName"] for r in rule] == ["dr-copy"]
    assert rule[0]["ScheduleExpression"] == "cron(0 5 * * ? *)"             # daily
    assert rule[0]["Lifecycle"]["DeleteAfterDays"] == 1                       # the source: 1 day
    assert rule[0]["CopyActions"][0]["Lifecycle"]["DeleteAfterDays"] == 7     # the copies: 7 days
    assert "LockConfiguration" not in _one(s["templates"]["Dr"], "AWS::Backup::BackupVault")
    assert "DrEks" not in s["stacks"]


def test_no_dr_stacks_without_dr(synths: dict) -> None:
    for case in ("copy-weekly", "copy-pitr-only"):
        assert not {"DrNetwork", "DrEks"} & set(synths[case]["stacks"])
        synths[case]["templates"]["Database"].resource_count_is("AWS::DynamoDB::Table", 2)


def test_warm_standby_global_tables_have_a_replica_in_the_dr_region(synths: dict) -> None:
    s = synths["warm"]
    db = s["templates"]["Database"]
    db.resource_count_is("AWS::DynamoDB::Table", 0)
    tables = {r["Properties"]["TableName"]: r["Properties"]
              for r in db.find_resources("AWS::DynamoDB::GlobalTable").values()}
    assert set(tables) == {"chatapp-prod-users", "chatapp-prod-chats"}
    for props in tables.values():
        assert sorted(r["Region"] for r in props["Replicas"]) == ["eu-central-1", "eu-west-1"]
        assert props["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        dr = next(r for r in props["Replicas"] if r["Region"] == "eu-central-1")
        assert dr["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert "alias/chatapp-prod-dynamodb-dr" in str(dr["SSESpecification"]["KMSMasterKeyId"])
    chats = tables["chatapp-prod-chats"]
    assert chats["BillingMode"] == "PROVISIONED"
    dr = next(r for r in chats["Replicas"] if r["Region"] == "eu-central-1")
    assert dr["ReadProvisionedThroughputSettings"] == {"ReadCapacityUnits": 1}     # standby reads at the minimum
    assert _one(s["templates"]["Dr"], "AWS::KMS::Key")["EnableKeyRotation"] is True
    assert s["stacks"]["Dr"].region == "eu-central-1"


def test_warm_standby_second_cluster_is_scaled_down(synths: dict) -> None:
    s = synths["warm"]
    assert s["stacks"]["DrEks"].region == s["stacks"]["DrNetwork"].region == "eu-central-1"
    s["templates"]["DrNetwork"].resource_count_is("AWS::EC2::NatGateway", 1)
    kinds = [r["Properties"].get("VpcEndpointType", "Gateway")
             for r in s["templates"]["DrNetwork"].find_resources("AWS::EC2::VPCEndpoint").values()]
    assert kinds == ["Gateway", "Gateway"]              # the free DynamoDB and S3 gateways; no interface endpoints
    s["templates"]["DrNetwork"].resource_count_is("AWS::EC2::Subnet", 2 * 3)       # 2 AZs x public/private/isolated
    s["templates"]["DrEks"].resource_count_is("AWS::EKS::Cluster", 1)
    group = _one(s["templates"]["DrEks"], "AWS::EKS::Nodegroup")
    assert group["CapacityType"] == "ON_DEMAND" and group["InstanceTypes"] == ["t3.medium"]
    assert group["ScalingConfig"] == {"MinSize": 3, "DesiredSize": 3, "MaxSize": 4}   # prod floor: 3 nodes


def test_warm_standby_on_demand_tables(synths: dict) -> None:
    s = synths["warm-on-demand"]
    for r in s["templates"]["Database"].find_resources("AWS::DynamoDB::GlobalTable").values():
        assert r["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
        assert sorted(x["Region"] for x in r["Properties"]["Replicas"]) == ["us-east-1", "us-west-2"]
    assert "Dr" not in s["stacks"]                                            # no CMK: no replica key stack
    assert _one(s["templates"]["DrEks"], "AWS::EKS::Nodegroup")["ScalingConfig"]["DesiredSize"] == 1   # dev floor



def _dr_template_lines(s: dict) -> Counter:
    """The template's DR lines by price key: the DR stacks' lines and the primary stack's replica and copy lines."""
    out: Counter = Counter()
    for t in s["priced"].lines:
        dr_stack = t.stack.rsplit("-", 1)[-1].startswith("Dr")
        if dr_stack or t.line.item.startswith(("replica ", "replication to", "backup copies")):
            out[t.line.price_key] += t.line.monthly_usd
    return +out


def _dr_estimate_lines(s: dict, leave_out: tuple[str, ...] = ()) -> Counter:
    out: Counter = Counter()
    for ln in dr_summary(s["estimate"]).lines:
        if not ln.item.split(": ", 1)[1].startswith(leave_out):
            out[ln.price_key] += ln.monthly_usd
    return out


@pytest.mark.parametrize("case", ["copy-weekly", "copy-pitr-only"])
def test_price_template_prices_the_copies_as_the_estimate(synths: dict, case: str) -> None:
    s = synths[case]
    # the pitr-only rule's source recovery point is the backup plan's own storage line (dynamodb_backup_gb)
    assert _dr_template_lines(s) == _dr_estimate_lines(s, leave_out=("source recovery point",))
    if case == "copy-pitr-only":
        (own,) = [t.line for t in s["priced"].lines if t.line.item == "DynamoDB backup storage"]
        (src,) = [ln for ln in dr_summary(s["estimate"]).lines if "source recovery point" in ln.item]
        assert own.monthly_usd == src.monthly_usd == Decimal("2.17")


def test_price_template_prices_the_warm_standby_as_the_estimate(synths: dict) -> None:
    """Each DR stack in its own Region; the differences are the known gaps: the standby ALB and its two public
    addresses come from the Helm ingress (as in the primary Region), and auto scaled provisioned capacity is priced
    at MaxCapacity all month by price-template but hour by hour by the estimate."""
    on_demand = synths["warm-on-demand"]
    gaps = ("standby Application Load Balancer", "standby public IPv4")
    expected = _dr_estimate_lines(on_demand, leave_out=gaps)
    expected["vpc:public-ipv4-hour"] += Decimal("3.65")       # the standby NAT's Elastic IP: 730 h x $0.005
    assert _dr_template_lines(on_demand) == +expected
    warm = synths["warm"]                                      # provisioned, a CMK: the replica key in eu-central-1
    got, want = _dr_template_lines(warm), _dr_estimate_lines(warm, leave_out=gaps)
    capacity = ("dynamodb:replicated-wcu-hour", "dynamodb:wcu-hour")
    assert {k: v for k, v in got.items() if k not in capacity and k != "vpc:public-ipv4-hour"} == \
        {k: v for k, v in want.items() if k not in capacity} != {}
    assert all(got[k] >= want[k] for k in capacity)          # MaxCapacity all month >= the hourly curve
    assert warm["priced"].region == "eu-west-1" and on_demand["priced"].region == "us-east-1"   # the primary's
