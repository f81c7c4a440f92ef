"""The generated CDK app, synthesized in-process and linted with cfn-lint.

Each sample config is rendered with ``generators.cdk.render_cdk_app``, the bundle's
own ``app.py`` is loaded and ``build_app(config_path, outdir).synth()`` runs once per
config (module-scoped fixture, one test process). Assertions use
``aws_cdk.assertions.Template``; every template is linted and fails on errors.

Golden configs: ``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/generators/test_cdk_synth.py``.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from generators.cdk import CDK_TEMPLATES_DIR, load_bundle_app, render_cdk_app
from generators.cdk_config import CdkConfig, ConfigError, config_yaml, load_config, parse_config
from sizing.config_rules import config_rules_for
from sizing.scenario import Compliance

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden" / "cdk"
NASTY = "Acme \"R&D\" 'Ltd'\n{{ config.client }} {% raw %}<script>alert(1)</script>"
NASTY_SCENARIO = "=HYPERLINK(\"http://x\")\n- item: {a: b} # not a comment"


def _zones(region: str, n: int) -> list[str]:
    return [f"{region}{letter}" for letter in "abcdef"[:n]]


def _tags(env: str) -> dict[str, str]:
    return {"Project": "ChatApp", "Environment": env, "CostCenter": "chat-platform"}


def sample_configs() -> dict[str, dict[str, Any]]:
    """Raw config data of the sample cases, keyed ``<env>-<case>``."""
    return {
        "dev-small": dict(
            environment="dev", region="us-east-1", client="Acme Corp", scenario_name="Pilot, 200 users",
            kubernetes_version="1.35",
            network=dict(availability_zones=2, nat_gateways=1, availability_zone_names=_zones("us-east-1", 2),
                         interface_endpoints=["secretsmanager"]),
            node_groups=[dict(name="on-demand", capacity_type="ON_DEMAND", instance_types=["t3.medium"],
                              min_size=1, desired_size=2, max_size=3, disk_size_gib=20)],
            database=dict(billing_mode="PAY_PER_REQUEST", point_in_time_recovery=True, customer_managed_key=False,
                          removal_policy="DESTROY", backup_retention_days=7, backup_policy="pitr-only"),
            storage=dict(static_bucket_versioned=False, log_archive_days=30, log_glacier_transition_days=None),
            security=dict(waf_enabled=False, kms_customer_managed_keys=[], secret_names=["chatapp/dev/jwt-secret"]),
            monitoring=dict(log_retention_days=14, alarm_email=None, xray_enabled=False, dashboards=1),
            cdn=dict(enabled=True, price_class="PriceClass_100"),
            tags=_tags("dev"),
        ),
        "prod-medium": dict(
            environment="prod", region="eu-west-1", client="Globex", scenario_name="Launch 5k users",
            kubernetes_version="1.35",
            network=dict(availability_zones=3, nat_gateways=3, availability_zone_names=_zones("eu-west-1", 3),
                         interface_endpoints=["secretsmanager"]),
            node_groups=[
                dict(name="on-demand", capacity_type="ON_DEMAND", instance_types=["m6i.large"],
                     min_size=2, desired_size=3, max_size=6, disk_size_gib=50),
                dict(name="spot", capacity_type="SPOT", instance_types=["m6i.large", "m5.large", "m5a.large"],
                     min_size=0, desired_size=2, max_size=8, disk_size_gib=50),
            ],
            database=dict(billing_mode="PAY_PER_REQUEST", customer_managed_key=False, removal_policy="RETAIN",
                          backup_retention_days=35, backup_policy="pitr+weekly"),
            storage=dict(static_bucket_versioned=True, log_archive_days=400),
            security=dict(waf_enabled=False, kms_customer_managed_keys=["eks"],
                          secret_names=["chatapp/prod/jwt-secret", "chatapp/prod/llm-api-key"]),
            monitoring=dict(log_retention_days=90, alarm_email="oncall@globex.example", xray_enabled=True,
                            dashboards=2, alb_full_name="app/chatapp-prod/0123456789abcdef"),
            compliance=dict(macie=True),        # GDPR: Macie only
            account="123456789012",
            tags=_tags("prod"),
        ),
        "prod-large-hipaa-pci": dict(
            environment="prod", region="us-east-1", client="Initech Health", scenario_name="HIPAA+PCI 40k users",
            kubernetes_version="1.35", eks_support_type="STANDARD",
            network=dict(availability_zones=3, nat_gateways=3, availability_zone_names=_zones("us-east-1", 3),
                         interface_endpoints=["secretsmanager", "kms"]),
            node_groups=[
                dict(name="on-demand", capacity_type="ON_DEMAND", instance_types=["m7g.xlarge"],
                     min_size=3, desired_size=6, max_size=12, disk_size_gib=100),
                dict(name="spot", capacity_type="SPOT", instance_types=["m7g.xlarge", "m6g.xlarge"],
                     min_size=0, desired_size=4, max_size=20, disk_size_gib=100),
            ],
            database=dict(billing_mode="PAY_PER_REQUEST", customer_managed_key=True, removal_policy="RETAIN",
                          backup_retention_days=35, backup_policy="pitr+weekly", backup_vault_locked=True),
            storage=dict(static_bucket_versioned=True, log_archive_days=2192, log_glacier_transition_days=90),
            security=dict(waf_enabled=True,
                          waf_managed_rule_groups=["AWSManagedRulesCommonRuleSet",
                                                   "AWSManagedRulesKnownBadInputsRuleSet",
                                                   "AWSManagedRulesAmazonIpReputationList"],
                          waf_rate_limit_per_5min=1000,
                          kms_customer_managed_keys=["dynamodb", "s3", "ebs", "logs", "secrets"],
                          secret_names=["chatapp/prod/jwt-secret"]),
            monitoring=dict(log_retention_days=2192, alarm_email="security@initech.example", xray_enabled=True,
                            dashboards=3, alb_full_name="app/chatapp-prod/fedcba9876543210"),
            cache=dict(enabled=True, engine="valkey", node_type="cache.r7g.large", num_nodes=2),
            workload_identity=dict(namespace="chat-app", service_account="chat-backend-sa", bedrock_invoke=True),
            compliance=dict(cloudtrail_data_events=True, trail_retention_days=2192, config=True,
                            config_rules=list(config_rules_for({Compliance.hipaa, Compliance.pci})), guardduty=True,
                            security_hub=True, security_hub_standards=["pci-dss/v/4.0.1"]),
            tags=_tags("prod"),
        ),
        "prod-karpenter": dict(
            environment="prod", region="us-east-1", client="Hooli", scenario_name="Karpenter with spot",
            kubernetes_version="1.35",
            network=dict(availability_zones=3, nat_gateways=3, availability_zone_names=_zones("us-east-1", 3),
                         interface_endpoints=[]),
            node_groups=[dict(name="system", capacity_type="ON_DEMAND", instance_types=["t3.medium"],
                              min_size=2, desired_size=2, max_size=3, disk_size_gib=50)],
            database=dict(billing_mode="PAY_PER_REQUEST", customer_managed_key=False, removal_policy="RETAIN",
                          backup_retention_days=35, backup_policy="pitr+weekly"),
            storage=dict(static_bucket_versioned=True, log_archive_days=365, alb_access_logs=True),
            security=dict(waf_enabled=False, kms_customer_managed_keys=[], secret_names=["chatapp/prod/jwt-secret"]),
            monitoring=dict(log_retention_days=90, xray_enabled=False, dashboards=1),
            karpenter=dict(enabled=True, version="1.14.1"),
            tags=_tags("prod"),
        ),
        "staging-provisioned": dict(
            environment="staging", region="us-west-2", client="Umbrella", scenario_name="Steady load, no NAT",
            kubernetes_version="1.35",
            network=dict(availability_zones=2, nat_gateways=0, availability_zone_names=_zones("us-west-2", 2),
                         vpc_cidr="10.20.0.0/16",
                         interface_endpoints=["ec2", "ecr.api", "ecr.dkr", "sts", "logs", "elasticloadbalancing",
                                              "secretsmanager", "bedrock-runtime"]),
            node_groups=[dict(name="general", capacity_type="ON_DEMAND", instance_types=["c6i.large"],
                              min_size=2, desired_size=2, max_size=4)],
            database=dict(billing_mode="PROVISIONED", chats_read_capacity=50, chats_write_capacity=25,
                          chats_min_read_capacity=10, chats_min_write_capacity=5,
                          users_read_capacity=10, users_write_capacity=5, removal_policy="DESTROY",
                          backup_retention_days=30, backup_policy="daily-30", stream_enabled=False),
            storage=dict(log_archive_days=365, log_glacier_transition_days=30),
            security=dict(waf_enabled=True, waf_managed_rule_groups=["AWSManagedRulesCommonRuleSet"],
                          kms_customer_managed_keys=[], secret_names=[]),
            monitoring=dict(log_retention_days=365, dashboards=0, xray_enabled=False),
            cdn=dict(enabled=False),
            tags=_tags("staging"),
        ),
    }


CASES = sorted(sample_configs())


@dataclass
class Synth:
    """One rendered and synthesized bundle."""

    config: CdkConfig
    bundle: Path
    stacks: dict[str, Any]  # role -> aws_cdk.Stack
    templates: dict[str, Any]  # role -> aws_cdk.assertions.Template
    json: dict[str, dict[str, Any]]  # role -> template dict
    lint: dict[str, list[Any]] = field(default_factory=dict)  # role -> cfn-lint matches

    def resources(self, rtype: str) -> list[tuple[str, dict[str, Any]]]:
        """(stack role, resource) for every resource of ``rtype`` in every stack."""
        return [(role, res) for role, tpl in self.json.items()
                for res in tpl["Resources"].values() if res["Type"] == rtype]


@pytest.fixture(scope="module")
def synths(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Synth]]:
    from aws_cdk.assertions import Template
    from cfnlint.api import ManualArgs, lint

    results: dict[str, Synth] = {}
    for case in CASES:
        config = CdkConfig.model_validate(sample_configs()[case])
        root = tmp_path_factory.mktemp(case)
        bundle = root / "cdk"
        render_cdk_app(config, bundle)
        module = load_bundle_app(bundle, f"tiersizer_cdk_app_{case.replace('-', '_')}")
        app = module.build_app(bundle / "config" / f"{config.environment}.yaml", outdir=str(root / "cdk.out"))
        app.synth()
        stacks = {child.node.id.rsplit("-", 1)[1].lower(): child for child in app.node.children
                  if child.node.id.startswith(config.stack_prefix)}
        templates = {role: Template.from_stack(stack) for role, stack in stacks.items()}
        as_json = {role: tpl.to_json() for role, tpl in templates.items()}
        result = Synth(config, bundle, stacks, templates, as_json)
        for role, tpl in as_json.items():
            result.lint[role] = lint(yaml.safe_dump(tpl), config=ManualArgs(regions=[config.region]))
        results[case] = result
    yield results


@pytest.fixture(params=CASES)
def synth(request: pytest.FixtureRequest, synths: dict[str, Synth]) -> Synth:
    return synths[request.param]


# --------------------------------------------------------------------------- synth


def test_all_stacks_present_with_plan_names(synth: Synth) -> None:
    expected = {"security", "network", "storage", "database", "monitoring", "eks"}
    if synth.config.cdn.enabled:
        expected.add("cdn")
    if synth.config.compliance.enabled:
        expected.add("compliance")
    assert set(synth.stacks) == expected
    for role, stack in synth.stacks.items():
        assert stack.stack_name == f"ChatApp-{synth.config.environment}-{role.capitalize()}"
        assert stack.region == synth.config.region


def test_nodegroups_match_config(synth: Synth) -> None:
    from aws_cdk.assertions import Match

    tpl = synth.templates["eks"]
    tpl.resource_count_is("AWS::EKS::Nodegroup", len(synth.config.node_groups))
    for group in synth.config.node_groups:
        tpl.has_resource_properties("AWS::EKS::Nodegroup", Match.object_like({
            "Labels": Match.object_like({"node-group": group.name}),
            "CapacityType": group.capacity_type,
            "InstanceTypes": group.instance_types,
            "ScalingConfig": {"MinSize": group.min_size, "DesiredSize": group.desired_size,
                              "MaxSize": group.max_size},
            "AmiType": "AL2023_ARM_64_STANDARD" if group.architecture == "arm64" else "AL2023_x86_64_STANDARD",
        }))
    volumes = sorted(res["Properties"]["LaunchTemplateData"]["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"]
                     for _, res in synth.resources("AWS::EC2::LaunchTemplate"))
    assert volumes == sorted(g.disk_size_gib for g in synth.config.node_groups)


def test_native_eks_cluster_pinned_version_standard_support(synth: Synth) -> None:
    tpl = synth.templates["eks"]
    tpl.resource_count_is("AWS::EKS::Cluster", 1)
    tpl.has_resource_properties("AWS::EKS::Cluster", {
        "Name": synth.config.cluster_name,
        "Version": "1.35",
        "UpgradePolicy": {"SupportType": "STANDARD"},
    })
    types = {res["Type"] for tpl_json in synth.json.values() for res in tpl_json["Resources"].values()}
    assert not any("Kubectl" in t or t == "Custom::AWSCDK-EKS-Cluster" for t in types), types
    addons = [res["Properties"]["AddonName"] for _, res in synth.resources("AWS::EKS::Addon")]
    # the AWS Load Balancer Controller (and Karpenter's, when on) gets its role through EKS Pod Identity
    assert sorted(addons) == ["amazon-cloudwatch-observability", "eks-pod-identity-agent"]


def test_nat_gateways_subnets_and_endpoints(synth: Synth) -> None:
    net = synth.config.network
    tpl = synth.templates["network"]
    tpl.resource_count_is("AWS::EC2::NatGateway", net.nat_gateways)
    tpl.resource_count_is("AWS::EC2::Subnet", 3 * net.availability_zones)
    tpl.has_resource_properties("AWS::EC2::VPC", {"CidrBlock": net.vpc_cidr})
    zones = sorted({res["Properties"]["AvailabilityZone"] for _, res in synth.resources("AWS::EC2::Subnet")})
    assert zones == net.availability_zone_names
    endpoints = [res["Properties"] for _, res in synth.resources("AWS::EC2::VPCEndpoint")]
    gateway = [e for e in endpoints if e.get("VpcEndpointType", "Gateway") == "Gateway"]
    assert len(gateway) == 2
    assert len(endpoints) - len(gateway) == len(net.interface_endpoints)
    private_default_routes = [
        res for key, res in synth.json["network"]["Resources"].items()
        if res["Type"] == "AWS::EC2::Route" and "private" in key
    ]
    assert len(private_default_routes) == (net.availability_zones if net.nat_gateways else 0)


def test_interface_endpoints_in_every_zone_with_https_from_the_vpc(synth: Synth) -> None:
    net = synth.config.network
    interface = {res["Properties"]["ServiceName"]: res["Properties"]
                 for _, res in synth.resources("AWS::EC2::VPCEndpoint")
                 if res["Properties"].get("VpcEndpointType") == "Interface"}
    assert sorted(interface) == sorted(f"com.amazonaws.{synth.config.region}.{n}" for n in net.interface_endpoints)
    groups = [res["Properties"] for _, res in synth.resources("AWS::EC2::SecurityGroup")
              if res["Properties"]["GroupDescription"].endswith("interface VPC endpoints")]
    assert len(groups) == (1 if interface else 0)
    for props in interface.values():
        assert props["PrivateDnsEnabled"] is True
        assert len(props["SubnetIds"]) == net.availability_zones
        assert all("privateSubnet" in ref["Ref"] for ref in props["SubnetIds"])
        assert len(props["SecurityGroupIds"]) == 1
    for group in groups:
        assert group["SecurityGroupIngress"] == [{
            "CidrIp": {"Fn::GetAtt": [next(k for k, r in synth.json["network"]["Resources"].items()
                                           if r["Type"] == "AWS::EC2::VPC"), "CidrBlock"]},
            "Description": "HTTPS from the VPC", "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}]


def test_waf_present_iff_enabled(synth: Synth) -> None:
    sec = synth.config.security
    tpl = synth.templates["security"]
    tpl.resource_count_is("AWS::WAFv2::WebACL", 1 if sec.waf_enabled else 0)
    if not sec.waf_enabled:
        assert "WebAclArn" not in synth.json["security"].get("Outputs", {})
        return
    (_, acl), = synth.resources("AWS::WAFv2::WebACL")
    props = acl["Properties"]
    assert props["Scope"] == "REGIONAL"
    managed = [r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in props["Rules"]
               if "ManagedRuleGroupStatement" in r["Statement"]]
    assert managed == sec.waf_managed_rule_groups
    (rate,) = [r["Statement"]["RateBasedStatement"] for r in props["Rules"] if "RateBasedStatement" in r["Statement"]]
    assert rate["Limit"] == sec.waf_rate_limit_per_5min and rate["AggregateKeyType"] == "IP"
    assert "WebAclArn" in synth.json["security"]["Outputs"]


def test_kms_keys_match_configured_cmks(synth: Synth) -> None:
    cmks = synth.config.security.kms_customer_managed_keys
    keys = synth.resources("AWS::KMS::Key")
    assert len(keys) == len(cmks)
    assert all(role == "security" and res["Properties"]["EnableKeyRotation"] is True for role, res in keys)
    aliases = sorted(res["Properties"]["AliasName"] for _, res in synth.resources("AWS::KMS::Alias"))
    assert aliases == sorted(f"alias/{synth.config.resource_prefix}-{name}" for name in cmks)
    for _, bucket in synth.resources("AWS::S3::Bucket"):
        algo = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
            "ServerSideEncryptionByDefault"]["SSEAlgorithm"]
        assert algo == ("aws:kms" if "s3" in cmks else "AES256")
    for _, lt in synth.resources("AWS::EC2::LaunchTemplate"):
        ebs = lt["Properties"]["LaunchTemplateData"]["BlockDeviceMappings"][0]["Ebs"]
        assert ebs["Encrypted"] is True and ("KmsKeyId" in ebs) == ("ebs" in cmks)
    (_, cluster), = synth.resources("AWS::EKS::Cluster")
    assert ("EncryptionConfig" in cluster["Properties"]) == ("eks" in cmks)


def test_log_retention(synth: Synth) -> None:
    groups = synth.resources("AWS::Logs::LogGroup")
    assert len(groups) == 4
    days = synth.config.monitoring.log_retention_days
    assert {res["Properties"]["RetentionInDays"] for _, res in groups} == {days}
    names = sorted(res["Properties"]["LogGroupName"] for _, res in groups)
    assert names == sorted(f"/aws/containerinsights/{synth.config.cluster_name}/{k}"
                           for k in ("application", "dataplane", "host", "performance"))
    assert all(("KmsKeyId" in res["Properties"]) == ("logs" in synth.config.security.kms_customer_managed_keys)
               for _, res in groups)


def test_tables_pitr_billing_encryption_retention(synth: Synth) -> None:
    db = synth.config.database
    tables = {res["Properties"]["TableName"]: res for _, res in synth.resources("AWS::DynamoDB::Table")}
    env = synth.config.environment
    users_name, chats_name = f"chatapp-{env}-users", f"chatapp-{env}-chats"
    assert set(tables) == {users_name, chats_name}
    for name, res in tables.items():
        props = res["Properties"]
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert props.get("BillingMode", "PROVISIONED") == db.billing_mode
        assert props["SSESpecification"]["SSEEnabled"] is True
        assert ("KMSMasterKeyId" in props["SSESpecification"]) == db.customer_managed_key
        assert res["DeletionPolicy"] == ("Retain" if db.removal_policy == "RETAIN" else "Delete")
        kind = "users" if name == users_name else "chats"
        if db.billing_mode == "PROVISIONED":
            expected = {"ReadCapacityUnits": getattr(db, f"{kind}_read_capacity"),
                        "WriteCapacityUnits": getattr(db, f"{kind}_write_capacity")}
            assert props["ProvisionedThroughput"] == expected
            assert props["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"] == expected
        else:
            assert "ProvisionedThroughput" not in props
    users = tables[users_name]["Properties"]
    assert users["GlobalSecondaryIndexes"][0]["IndexName"] == "email-index"
    assert users["GlobalSecondaryIndexes"][0]["KeySchema"] == [{"AttributeName": "email", "KeyType": "HASH"}]
    chats = tables[chats_name]["Properties"]
    assert chats["GlobalSecondaryIndexes"][0]["IndexName"] == "user-id-index"
    assert chats["GlobalSecondaryIndexes"][0]["KeySchema"] == [
        {"AttributeName": "user_id", "KeyType": "HASH"}, {"AttributeName": "updated_at", "KeyType": "RANGE"}]
    assert ("StreamSpecification" in chats) == db.stream_enabled
    if db.stream_enabled:
        assert chats["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


# the rule each backup policy deploys: (schedule, copies kept = retention / interval)
POLICY_RULES = {"pitr+weekly": ("weekly", "cron(0 5 ? * SUN *)"), "daily-30": ("daily", "cron(0 5 * * ? *)")}


def test_backup_plan_follows_the_policy(synth: Synth) -> None:
    db = synth.config.database
    if db.backup_policy == "pitr-only":      # PITR alone: no plan and no vault, as the estimate prices no copies
        assert synth.resources("AWS::Backup::BackupPlan") == [] and synth.resources("AWS::Backup::BackupVault") == []
        return
    (_, plan), = synth.resources("AWS::Backup::BackupPlan")
    (rule,) = plan["Properties"]["BackupPlan"]["BackupPlanRule"]
    name, schedule = POLICY_RULES[db.backup_policy]
    assert (rule["RuleName"], rule["ScheduleExpression"]) == (name, schedule)
    assert rule["Lifecycle"] == {"DeleteAfterDays": db.backup_retention_days}
    (_, vault), = synth.resources("AWS::Backup::BackupVault")
    assert ("LockConfiguration" in vault["Properties"]) == db.backup_vault_locked
    if db.backup_vault_locked:
        assert vault["Properties"]["LockConfiguration"]["MinRetentionDays"] == db.backup_retention_days
    (_, selection), = synth.resources("AWS::Backup::BackupSelection")
    assert len(selection["Properties"]["BackupSelection"]["Resources"]) == 2


def test_provisioned_chats_auto_scale_between_min_and_peak(synth: Synth) -> None:
    db = synth.config.database
    targets = [r for _, r in synth.resources("AWS::ApplicationAutoScaling::ScalableTarget")]
    if db.billing_mode != "PROVISIONED" or db.chats_min_write_capacity is None:
        assert targets == []
        return
    # table and GSI, reads and writes: 4 targets between the minimum and the peak-hour capacity
    bounds = sorted((t["Properties"]["ScalableDimension"], t["Properties"]["MinCapacity"],
                     t["Properties"]["MaxCapacity"]) for t in targets)
    assert bounds == sorted([("dynamodb:index:ReadCapacityUnits", 10, 50), ("dynamodb:index:WriteCapacityUnits", 5, 25),
                             ("dynamodb:table:ReadCapacityUnits", 10, 50), ("dynamodb:table:WriteCapacityUnits", 5, 25)])
    policies = [r for _, r in synth.resources("AWS::ApplicationAutoScaling::ScalingPolicy")]
    assert len(policies) == 4 and {p["Properties"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"]
                                   for p in policies} == {70}


def test_each_policy_has_a_sample() -> None:
    """The samples cover every policy, and the HIPAA/PCI sample locks its vault."""
    dbs = {k: v["database"] for k, v in sample_configs().items()}
    # a sample without backup_policy takes the model default, daily-30
    assert {d.get("backup_policy", "daily-30") for d in dbs.values()} == {"pitr-only", "pitr+weekly", "daily-30"}
    assert dbs["prod-large-hipaa-pci"]["backup_vault_locked"] is True
    # weekly rule kept 35 days holds 35 / 7 = 5 copies; daily kept 30 days holds 30
    assert dbs["prod-medium"]["backup_retention_days"] // 7 == 5 and dbs["staging-provisioned"]["backup_retention_days"] == 30


def test_alarms_at_plan_thresholds(synth: Synth) -> None:
    mon = synth.config.monitoring
    alarms = {res["Properties"]["AlarmName"].rsplit("-", 1)[1]: res["Properties"]
              for _, res in synth.resources("AWS::CloudWatch::Alarm")}
    # the plan's 8 alarms (sizing.assumptions.PLANNED_ALARMS), the 2 ALB ones only with the ALB's name; the
    # traffic alarm at the sized peak hour's write capacity of the chats table
    expected = {"NodeCpuHigh": 80, "NodeMemoryHigh": 80, "NodeDiskHigh": 80, "ServiceDown": 1, "DatabaseErrors": 0,
                "TrafficAbovePlan": mon.traffic_write_units_per_s}
    if mon.alb_full_name:
        expected |= {"Alb5xxErrorRateHigh": 5, "AlbP95LatencyHigh": 2}
    assert {name: props["Threshold"] for name, props in alarms.items()} == expected
    assert len(expected) == 8 - (0 if mon.alb_full_name else 2)
    down = alarms.pop("ServiceDown")
    assert (down["ComparisonOperator"], down["TreatMissingData"]) == ("LessThanThreshold", "breaching")
    assert down["Dimensions"] == [{"Name": "ClusterName", "Value": synth.config.cluster_name},
                                  {"Name": "Namespace", "Value": synth.config.workload_identity.namespace}]
    errors = {m["Id"]: m for m in alarms["DatabaseErrors"]["Metrics"]}
    assert len(errors) == 2 * 4 + 1              # 2 tables x 4 operations + the sum expression (<= 10 in an alarm)
    assert alarms["NodeCpuHigh"]["MetricName"] == "node_cpu_utilization"
    assert alarms["NodeMemoryHigh"]["Namespace"] == "ContainerInsights"
    assert alarms["NodeMemoryHigh"]["Dimensions"] == [{"Name": "ClusterName", "Value": synth.config.cluster_name}]
    if mon.alb_full_name:
        assert alarms["AlbP95LatencyHigh"]["ExtendedStatistic"] == "p95"
        assert alarms["AlbP95LatencyHigh"]["MetricName"] == "TargetResponseTime"
        metrics = {m["Id"]: m for m in alarms["Alb5xxErrorRateHigh"]["Metrics"]}
        assert "100 *" in metrics["expr_1"]["Expression"]
        assert metrics["target5xx"]["MetricStat"]["Metric"]["Dimensions"] == [
            {"Name": "LoadBalancer", "Value": mon.alb_full_name}]
    assert all(props["ComparisonOperator"] == "GreaterThanThreshold" and len(props["AlarmActions"]) == 1
               for props in alarms.values())
    synth.templates["monitoring"].resource_count_is("AWS::SNS::Subscription", 1 if mon.alarm_email else 0)
    synth.templates["monitoring"].resource_count_is("AWS::CloudWatch::Dashboard", mon.dashboards)


def test_cdn_uses_origin_access_control(synth: Synth) -> None:
    if not synth.config.cdn.enabled:
        assert not synth.resources("AWS::CloudFront::Distribution")
        return
    tpl = synth.templates["cdn"]
    tpl.resource_count_is("AWS::CloudFront::OriginAccessControl", 1)
    (_, dist), = synth.resources("AWS::CloudFront::Distribution")
    cfg = dist["Properties"]["DistributionConfig"]
    assert cfg["DefaultRootObject"] == "index.html"
    assert cfg["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert cfg["PriceClass"] == synth.config.cdn.price_class
    assert "OriginAccessControlId" in cfg["Origins"][0]
    assert {e["ErrorCode"]: e["ResponsePagePath"] for e in cfg["CustomErrorResponses"]} == {
        403: "/index.html", 404: "/index.html"}


def test_secrets_generated_never_literal(synth: Synth) -> None:
    secrets = synth.resources("AWS::SecretsManager::Secret")
    assert sorted(res["Properties"]["Name"] for _, res in secrets) == sorted(synth.config.security.secret_names)
    for _, res in secrets:
        assert "SecretString" not in res["Properties"]
        assert "GenerateSecretString" in res["Properties"]


def test_backend_role_scoped_to_service_account(synth: Synth) -> None:
    (_, trust), = synth.resources("Custom::AWSCDKCfnJson")
    value = trust["Properties"]["Value"]
    wi = synth.config.workload_identity
    assert f"system:serviceaccount:{wi.namespace}:{wi.service_account}" in str(value)
    assert "BackendRoleArn" in synth.json["eks"]["Outputs"]


def test_project_and_environment_tags_everywhere(synth: Synth) -> None:
    must_tag = {"AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::NatGateway", "AWS::EKS::Cluster",
                "AWS::EKS::Nodegroup", "AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::S3::Bucket",
                "AWS::Logs::LogGroup", "AWS::CloudWatch::Alarm", "AWS::SecretsManager::Secret",
                "AWS::WAFv2::WebACL", "AWS::CloudFront::Distribution", "AWS::Backup::BackupVault",
                "AWS::IAM::Role", "AWS::SNS::Topic", "AWS::Backup::BackupPlan"}
    expected = {"Project": "ChatApp", "Environment": synth.config.environment}
    checked = 0
    for tpl in synth.json.values():
        for logical, res in tpl["Resources"].items():
            props = res.get("Properties", {})
            tags = props.get("Tags", props.get("BackupVaultTags", props.get("BackupPlanTags")))
            if tags is None:
                assert res["Type"] not in must_tag, f"{logical} ({res['Type']}) has no tags"
                continue
            as_dict = tags if isinstance(tags, dict) else {t["Key"]: t["Value"] for t in tags}
            assert {k: as_dict.get(k) for k in expected} == expected, logical
            checked += 1
    assert checked >= 20
    for _, lt in synth.resources("AWS::EC2::LaunchTemplate"):  # the template, instances and volumes
        specs = [*lt["Properties"]["TagSpecifications"], *lt["Properties"]["LaunchTemplateData"]["TagSpecifications"]]
        assert sorted(spec["ResourceType"] for spec in specs) == ["instance", "launch-template", "volume"]
        for spec in specs:
            assert {t["Key"]: t["Value"] for t in spec["Tags"]} == synth.config.tags


KARPENTER_TYPES = ("AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "AWS::Events::Rule", "AWS::EKS::AccessEntry")
INTERRUPTION_EVENTS = {("aws.health", "AWS Health Event"), ("aws.ec2", "EC2 Spot Instance Interruption Warning"),
                       ("aws.ec2", "EC2 Instance Rebalance Recommendation"),
                       ("aws.ec2", "EC2 Instance State-change Notification")}


def _statements(synth: Synth) -> dict[str, dict[str, Any]]:
    """Every IAM policy statement with a Sid in the EKS stack, by Sid."""
    return {st["Sid"]: st for _, res in synth.resources("AWS::IAM::Policy")
            for st in res["Properties"]["PolicyDocument"]["Statement"] if "Sid" in st}


def test_karpenter_resources_iff_enabled(synth: Synth) -> None:
    """Karpenter: Pod Identity (agent add-on + association), node role access entry (EC2_LINUX), interruption
    queue with the four EventBridge rules, the getting-started controller policy; none of it otherwise."""
    eks_json = synth.json["eks"]["Resources"]
    addons = [r["Properties"]["AddonName"] for r in eks_json.values() if r["Type"] == "AWS::EKS::Addon"]
    assert addons.count("eks-pod-identity-agent") == 1       # shared with the AWS Load Balancer Controller
    karpenter_assoc = [r for _, r in synth.resources("AWS::EKS::PodIdentityAssociation")
                       if r["Properties"]["ServiceAccount"] == "karpenter"]
    if not synth.config.karpenter.enabled:
        assert [r for t in KARPENTER_TYPES for r in synth.resources(t)] == [] and karpenter_assoc == []
        return
    cluster = synth.config.cluster_name
    ((_, queue),) = synth.resources("AWS::SQS::Queue")
    assert queue["Properties"]["QueueName"] == cluster and queue["Properties"]["MessageRetentionPeriod"] == 300
    rules = {(r["Properties"]["EventPattern"]["source"][0], r["Properties"]["EventPattern"]["detail-type"][0])
             for _, r in synth.resources("AWS::Events::Rule")}
    assert rules == INTERRUPTION_EVENTS
    for _, r in synth.resources("AWS::Events::Rule"):
        assert "InterruptionQueue" in r["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0]
    (assoc,) = karpenter_assoc
    assert assoc["Properties"]["Namespace"] == "kube-system"
    role_id = assoc["Properties"]["RoleArn"]["Fn::GetAtt"][0]
    trust = eks_json[role_id]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(trust["Action"]) == ["sts:AssumeRole", "sts:TagSession"]
    ((_, entry),) = synth.resources("AWS::EKS::AccessEntry")
    assert entry["Properties"]["Type"] == "EC2_LINUX"
    node_role_id = entry["Properties"]["PrincipalArn"]["Fn::GetAtt"][0]
    assert eks_json[node_role_id]["Properties"]["RoleName"] == f"{cluster}-karpenter-node"
    st = _statements(synth)
    assert st["AllowPassingInstanceRole"]["Resource"] == {"Fn::GetAtt": [node_role_id, "Arn"]}
    assert "ec2:CreateFleet" in st["AllowScopedEC2InstanceActionsWithTags"]["Action"]
    assert sorted(st["AllowInterruptionQueueActions"]["Action"]) == [
        "sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]
    assert st["AllowPricingReadActions"]["Action"] == "pricing:GetProducts"
    assert st["AllowSSMReadActions"]["Action"] == "ssm:GetParameter"
    tagged = [s for _, s in synth.resources("AWS::EC2::Subnet")
              if {"Key": "karpenter.sh/discovery", "Value": cluster} in s["Properties"]["Tags"]]
    assert len(tagged) == synth.config.network.availability_zones      # the private subnet of every zone


def test_compliance_stack_deploys_each_configured_control(synth: Synth) -> None:
    c = synth.config.compliance
    if not c.enabled:                       # no regime: no compliance stack, no compliance resources anywhere
        assert "compliance" not in synth.stacks
        assert not synth.resources("AWS::CloudTrail::Trail") and not synth.resources("AWS::Macie::Session")
        return
    count = {t: len(synth.resources(t)) for t in (
        "AWS::CloudTrail::Trail", "AWS::Config::ConfigurationRecorder", "AWS::Config::DeliveryChannel",
        "AWS::Config::ConfigRule", "AWS::GuardDuty::Detector", "AWS::SecurityHub::Hub", "AWS::SecurityHub::Standard",
        "AWS::Macie::Session")}
    assert count == {
        "AWS::CloudTrail::Trail": int(c.cloudtrail_data_events), "AWS::Config::ConfigurationRecorder": int(c.config),
        "AWS::Config::DeliveryChannel": int(c.config), "AWS::Config::ConfigRule": len(c.config_rules),
        "AWS::GuardDuty::Detector": int(c.guardduty), "AWS::SecurityHub::Hub": int(c.security_hub),
        "AWS::SecurityHub::Standard": len(c.security_hub_standards), "AWS::Macie::Session": int(c.macie)}
    for _, rule in synth.resources("AWS::Config::ConfigRule"):
        assert rule["Properties"]["Source"]["Owner"] == "AWS"
        assert rule["Properties"]["ConfigRuleName"].startswith(f"{synth.config.resource_prefix}-")
    assert sorted(r["Properties"]["Source"]["SourceIdentifier"] for _, r in synth.resources("AWS::Config::ConfigRule")) \
        == sorted(c.config_rules)
    for _, trail in synth.resources("AWS::CloudTrail::Trail"):
        props = trail["Properties"]
        assert props["IsMultiRegionTrail"] is True and props["EnableLogFileValidation"] is True
        selectors = {s["Name"]: {f["Field"]: f for f in s["FieldSelectors"]} for s in props["AdvancedEventSelectors"]}
        assert selectors["Management events"]["eventCategory"]["Equals"] == ["Management"]
        ddb = selectors["DynamoDB data events"]
        assert ddb["resources.type"]["Equals"] == ["AWS::DynamoDB::Table"]
        assert len(ddb["resources.ARN"]["Equals"]) == 2                       # the users and chats tables
        assert len(selectors["S3 data events"]["resources.ARN"]["StartsWith"]) == 2   # static assets, log archive
    for _, bucket in synth.resources("AWS::S3::Bucket"):
        rules = bucket["Properties"].get("LifecycleConfiguration", {}).get("Rules", [])
        if any(r.get("Id") == "expire-after-retention" for r in rules):
            assert rules[0]["ExpirationInDays"] == c.trail_retention_days
    for _, detector in synth.resources("AWS::GuardDuty::Detector"):
        features = {f["Name"]: f["Status"] for f in detector["Properties"]["Features"]}
        assert features["EKS_AUDIT_LOGS"] == ("ENABLED" if c.guardduty_eks_audit_logs else "DISABLED")
        assert {n for n, st in features.items() if st == "ENABLED"} <= {"EKS_AUDIT_LOGS"}
    arns = [s["Properties"]["StandardsArn"] for _, s in synth.resources("AWS::SecurityHub::Standard")]
    region = synth.config.region
    assert arns == [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":securityhub:{region}::standards/{p}"]]}
                    for p in c.security_hub_standards]


def test_alb_controller_role_through_pod_identity(synth: Synth) -> None:
    """Every case: the controller's service account gets a Pod Identity role with the vendored upstream policy."""
    eks_json = synth.json["eks"]["Resources"]
    (assoc,) = [r for _, r in synth.resources("AWS::EKS::PodIdentityAssociation")
                if r["Properties"]["ServiceAccount"] == "aws-load-balancer-controller"]
    assert assoc["Properties"]["Namespace"] == "kube-system"
    role = eks_json[assoc["Properties"]["RoleArn"]["Fn::GetAtt"][0]]["Properties"]
    trust = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(trust["Action"]) == ["sts:AssumeRole", "sts:TagSession"]
    (policy_ref,) = role["ManagedPolicyArns"]
    document = eks_json[policy_ref["Ref"]]["Properties"]["PolicyDocument"]
    vendored = json.loads((CDK_TEMPLATES_DIR / "stacks" / "alb_controller_iam_policy.json").read_text())

    def as_lists(statement: dict[str, Any]) -> dict[str, Any]:     # CDK writes a one-item list as its item
        return {k: [v] if k in ("Action", "Resource") and isinstance(v, str) else v for k, v in statement.items()}
    assert document["Version"] == vendored["Version"]
    assert [as_lists(s) for s in document["Statement"]] == [as_lists(s) for s in vendored["Statement"]]


def test_alb_access_log_bucket_iff_configured(synth: Synth) -> None:
    """storage.alb_access_logs: an SSE-S3 bucket (ALB log delivery supports no KMS key) that ELB may write to."""
    storage = synth.json["storage"]["Resources"]
    buckets = {i: r for i, r in storage.items()
               if r["Type"] == "AWS::S3::Bucket" and i.startswith("AlbAccessLogsBucket")}
    if not synth.config.storage.alb_access_logs:
        assert buckets == {}
        return
    ((bucket_id, bucket),) = buckets.items()
    enc = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert enc["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert bucket["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == \
        synth.config.storage.log_archive_days
    statements = [s for p in storage.values() if p["Type"] == "AWS::S3::BucketPolicy"
                  and p["Properties"]["Bucket"] == {"Ref": bucket_id} for s in p["Properties"]["PolicyDocument"]["Statement"]]
    (deliver,) = [s for s in statements if s.get("Sid") == "AllowAlbAccessLogDelivery"]
    assert deliver["Action"] == "s3:PutObject"
    # us-east-1 predates August 2022: logs come from the regional ELB account 127311923021
    assert json.dumps(deliver["Principal"]).count("127311923021") == 1


def test_cfn_lint_has_no_errors(synth: Synth) -> None:
    errors = [f"{role}: {m.rule.id} {m.message}" for role, matches in synth.lint.items()
              for m in matches if m.rule.severity == "error"]
    assert errors == []
    warnings = sorted({f"{m.rule.id}" for matches in synth.lint.values() for m in matches})
    # Known and accepted: W3010 (zones are pinned on purpose), W3005 (inside CDK's CfnJson provider).
    assert set(warnings) <= {"W3010", "W3005"}, warnings


# --------------------------------------------------------------------------- render


@pytest.mark.parametrize("case", CASES)
def test_golden_config_yaml(case: str) -> None:
    config = CdkConfig.model_validate(sample_configs()[case])
    text = config_yaml(config)
    golden = GOLDEN_DIR / f"config-{case}.yaml"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))
    assert golden.read_bytes() == text.encode("utf-8")
    assert CdkConfig.model_validate(yaml.safe_load(text)) == config


def test_render_writes_bundle_atomically(tmp_path: Path) -> None:
    config = CdkConfig.model_validate(sample_configs()["dev-small"])
    out = tmp_path / "bundle" / "cdk"
    written = render_cdk_app(config, out)
    rel = sorted(p.relative_to(out).as_posix() for p in written)
    assert rel == sorted([
        ".gitignore", "README.md", "app.py", "cdk.json", "config/dev.yaml", "requirements.txt",
        "stacks/__init__.py", "stacks/addons_model.py", "stacks/alb_controller.py", "stacks/alb_controller_iam_policy.json",
        "stacks/cdn_stack.py", "stacks/compliance_model.py", "stacks/compliance_stack.py",
        "stacks/config_loader.py", "stacks/config_model.py",
        "stacks/database_stack.py", "stacks/dr_model.py", "stacks/dr_stack.py", "stacks/global_tables.py", "stacks/model_base.py",
        "stacks/eks_stack.py", "stacks/inventory_check.py", "stacks/karpenter.py", "stacks/monitoring_stack.py", "stacks/network_stack.py",
        "stacks/security_stack.py", "stacks/storage_stack.py", "stacks/tagging.py",
    ])
    assert all(p.is_file() for p in written)
    for name in ("config_model.py", "config_loader.py", "compliance_model.py", "addons_model.py", "dr_model.py",
                 "model_base.py"):
        assert (out / "stacks" / name).read_bytes() == (
            Path(__file__).resolve().parents[2] / "generators" / "cdk_config" / name).read_bytes()
    for source in CDK_TEMPLATES_DIR.rglob("*.py"):   # plain sources are copied verbatim
        assert (out / source.relative_to(CDK_TEMPLATES_DIR)).read_bytes() == source.read_bytes()
    assert (out / "requirements.txt").read_text().splitlines()[1:] == [
        "aws-cdk-lib==2.275.0", "constructs==10.8.1", "pydantic==2.14.3", "PyYAML==6.0.3"]
    import json
    assert json.loads((out / "cdk.json").read_text())["app"] == "python3 app.py"
    assert load_config(out / "config" / "dev.yaml") == config
    assert os.listdir(out.parent) == ["cdk"]  # no temporary directory left behind
    with pytest.raises(FileExistsError, match="already exists"):
        render_cdk_app(config, out)
    for path in written:
        if path.suffix == ".py":
            compile(path.read_text(), str(path), "exec")


def test_python_sources_do_not_depend_on_config(tmp_path: Path) -> None:
    a = render_cdk_app(CdkConfig.model_validate(sample_configs()["dev-small"]), tmp_path / "a")
    b = render_cdk_app(CdkConfig.model_validate(sample_configs()["prod-large-hipaa-pci"]), tmp_path / "b")
    py_a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in a if p.suffix == ".py"}
    py_b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in b if p.suffix == ".py"}
    assert py_a == py_b and len(py_a) == 22


def test_jinja_only_where_something_is_filled_in() -> None:
    files = [p for p in CDK_TEMPLATES_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    templates = [p for p in files if p.suffix == ".j2"]
    assert [p.name for p in templates] == ["requirements.txt.j2"]
    for path in templates:
        assert "{{" in path.read_text(encoding="utf-8"), path
    plain_python = [p for p in files if p.suffix == ".py"]
    assert len(plain_python) == 16          # app.py and the stacks package (config_*, compliance_model, addons_model, dr_model copied)
    for path in files:
        if path.suffix != ".j2":
            assert "{{ " not in path.read_text(encoding="utf-8"), path


def test_hostile_client_and_scenario_names_stay_data(tmp_path: Path) -> None:
    data = sample_configs()["dev-small"] | {"client": NASTY, "scenario_name": NASTY_SCENARIO}
    config = CdkConfig.model_validate(data)
    written = render_cdk_app(config, tmp_path / "cdk")
    loaded = yaml.safe_load((tmp_path / "cdk" / "config" / "dev.yaml").read_text(encoding="utf-8"))
    assert loaded["client"] == NASTY and loaded["scenario_name"] == NASTY_SCENARIO
    assert load_config(tmp_path / "cdk" / "config" / "dev.yaml") == config
    for path in written:
        if path.name != "dev.yaml":
            text = path.read_text(encoding="utf-8")
            for needle in ("Acme", "<script>", "HYPERLINK", "R&D"):
                assert needle not in text, (path, needle)


def test_generated_app_resolves_env_and_rejects_bad_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "cdk"
    render_cdk_app(CdkConfig.model_validate(sample_configs()["staging-provisioned"]), bundle)
    module = load_bundle_app(bundle, "tiersizer_cdk_app_resolve")
    config_dir = bundle / "config"
    assert module.resolve_config_path(None, config_dir) == config_dir / "staging.yaml"
    assert module.resolve_config_path("staging", config_dir) == config_dir / "staging.yaml"
    with pytest.raises(module.ConfigError, match="no config/prod.yaml"):
        module.resolve_config_path("prod", config_dir)
    (config_dir / "prod.yaml").write_text(config_yaml(CdkConfig.model_validate(sample_configs()["prod-medium"])))
    with pytest.raises(module.ConfigError, match=r"pass -c env=<name>.*\['prod', 'staging'\]"):
        module.resolve_config_path(None, config_dir)
    (config_dir / "prod.yaml").unlink()
    bad = yaml.safe_load((config_dir / "staging.yaml").read_text())
    bad["monitoring"]["log_retention_days"] = 42
    (config_dir / "staging.yaml").write_text(yaml.safe_dump(bad))
    assert module.main() == 2
    err = capsys.readouterr().err
    assert "monitoring.log_retention_days" in err and "2192" in err and "Traceback" not in err


def test_generated_app_synthesizes_in_a_fresh_process(tmp_path: Path) -> None:
    """``python3 app.py`` in the bundle (what cdk.json runs) imports nothing of tiersizer and synthesizes."""
    import json
    import subprocess
    import sys

    bundle = tmp_path / "cdk"
    render_cdk_app(CdkConfig.model_validate(sample_configs()["dev-small"]), bundle)
    out = tmp_path / "cdk.out"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {
        "CDK_OUTDIR": str(out), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    proc = subprocess.run([sys.executable, "app.py"], cwd=bundle, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    network = json.loads((out / "ChatApp-dev-Network.template.json").read_text())
    interface = [r["Properties"] for r in network["Resources"].values()
                 if r["Type"] == "AWS::EC2::VPCEndpoint" and r["Properties"].get("VpcEndpointType") == "Interface"]
    assert [e["ServiceName"] for e in interface] == ["com.amazonaws.us-east-1.secretsmanager"]
    assert len(interface[0]["SubnetIds"]) == 2
    assert sorted(p.name for p in out.glob("*.template.json")) == sorted(
        f"ChatApp-dev-{role}.template.json"
        for role in ("Cdn", "Database", "Eks", "Monitoring", "Network", "Security", "Storage"))


# --------------------------------------------------------------------------- validation


def _bad(case: str, path: str, value: Any) -> dict[str, Any]:
    data = yaml.safe_load(yaml.safe_dump(sample_configs()[case]))
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = value
    return data


@pytest.mark.parametrize(("case", "path", "value", "expected"), [
    ("dev-small", "node_groups.0.desired_size", 9,
     "node_groups.0: node group 'on-demand': need min_size <= desired_size <= max_size, got min_size=1, "
     "desired_size=9, max_size=3"),
    ("prod-medium", "network.nat_gateways", 4,
     "network.nat_gateways: must be between 0 and availability_zones (3), got 4"),
    ("prod-medium", "network.surprise", True, "network.surprise: unknown key"),
    ("dev-small", "monitoring.log_retention_days", 42,
     "monitoring.log_retention_days: must be one of the CloudWatch values [1, 3, 5, 7, 14, 30"),
    ("dev-small", "network.availability_zones", 7, "network.availability_zones: Input should be less than or equal to 6"),
    ("staging-provisioned", "database.users_read_capacity", None,
     "database.users_read_capacity: required (1..400000) when billing_mode is PROVISIONED"),
    ("dev-small", "environment", "qa", "environment: Input should be 'dev', 'staging' or 'prod'"),
    ("dev-small", "tags.Environment", "prod", "tags.Environment: must equal environment ('dev')"),
    ("prod-medium", "database.removal_policy", "DESTROY", "database.removal_policy: must be RETAIN"),
    ("prod-large-hipaa-pci", "database.customer_managed_key", False, "database.customer_managed_key: must be true"),
    ("staging-provisioned", "network.interface_endpoints", ["ec2"],
     "network.interface_endpoints: with nat_gateways 0 the nodes need"),
    ("dev-small", "network.interface_endpoints", ["secretsmanager", "secrets-manager"],
     "network.interface_endpoints: unknown endpoint(s) ['secrets-manager']; allowed: ['ec2', "),
    ("dev-small", "network.interface_endpoints", ["kms", "kms"],
     "network.interface_endpoints: must not contain duplicates"),
    ("dev-small", "node_groups.0.instance_types", ["m7g.large", "m6i.large"], "mixes arm64 and x86_64"),
    ("dev-small", "storage.log_glacier_transition_days", 30,
     "storage.log_glacier_transition_days: must be less than log_archive_days (30)"),
    ("prod-karpenter", "karpenter.version", None, "karpenter.version: required when karpenter.enabled is true"),
    ("prod-karpenter", "karpenter.version", "latest", "karpenter.version: String should match pattern"),
])
def test_bad_values_name_the_field(case: str, path: str, value: Any, expected: str) -> None:
    data = _bad(case, path, value)
    with pytest.raises(ConfigError) as info:
        parse_config(data, source="config/x.yaml")
    assert expected in str(info.value)
    assert "Traceback" not in str(info.value)
    with pytest.raises(ValidationError):
        CdkConfig.model_validate(data)


def test_load_config_reports_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "prod.yaml"
    path.write_text(yaml.safe_dump(_bad("prod-medium", "node_groups.1.max_size", 0)))
    with pytest.raises(ConfigError, match=r"prod\.yaml: invalid CDK config\nnode_groups\.1\.max_size: "
                                          r"Input should be greater than or equal to 1"):
        load_config(path)
    path.write_text("network: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")


def test_config_is_frozen() -> None:
    config = CdkConfig.model_validate(sample_configs()["dev-small"])
    with pytest.raises(ValidationError):
        config.environment = "prod"  # type: ignore[misc]
