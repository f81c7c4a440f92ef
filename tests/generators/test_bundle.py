"""The generated bundle: layout, atomic writes, --force rules, CLI exit codes, and the numbers agree.

Replicas/HPA in values-<env>.yaml, node groups in config/<env>.yaml and the report total are
compared with the estimate; one generated CDK app is synthesized to prove the mapping deploys.
"""
from __future__ import annotations

import csv
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import generators.bundle as bundle_mod
from app.cli import app
from generators.bundle import BundleExistsError, generate_bundle
from generators.cdk_config import load_config
from generators.cdk_from_estimate import cdk_config_from_estimate, split_node_groups
from pricing.engine import Estimate, estimate
from sizing.scenario import Scenario, parse_scenario

NASTY = "=Acme \"R&D\" 'Ltd' <script>alert(1)</script> {{ x }} {% raw %}: # & * ! @x -y +z"   # one line: names refuse control characters
runner = CliRunner()

CASES = {
    "prod-hipaa-pci": {"name": NASTY, "client": "+Client: #1 & *co*", "concurrent_users": 5000,
                       "compliance": "hipaa,pci", "average_load_pct_of_peak": 80},   # provisioned DynamoDB wins
    "dev-small": {"environment": "dev", "concurrent_users": 120},
    "staging-spot-cache": {"environment": "staging", "concurrent_users": 3000, "spot_share_pct": 50,
                           "elasticache_enabled": True},
    "prod-enterprise-spot": {"concurrent_users": 25000, "spot_share_pct": 40, "llm_model": "external",
                             "external_input_usd_per_1m_tokens": 3, "external_output_usd_per_1m_tokens": 15},
}


def _scenario(case: str) -> Scenario:
    return parse_scenario(dict(CASES[case]))


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Estimate, Path]]:
    out = {}
    for case in CASES:
        s = _scenario(case)
        out[case] = (estimate(s), generate_bundle(s, tmp_path_factory.mktemp(case) / "bundle"))
    return out


def _siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


# --- layout -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", list(CASES))
def test_layout_complete(case: str, bundles) -> None:
    est, root = bundles[case]
    env = est.scenario.environment.value
    for rel in ("cdk/app.py", "cdk/cdk.json", "cdk/requirements.txt", f"cdk/config/{env}.yaml",
                "cdk/stacks/config_model.py", "cdk/stacks/config_loader.py", "cdk/stacks/network_stack.py", "cdk/stacks/eks_stack.py",
                "cdk/stacks/database_stack.py", "cdk/stacks/storage_stack.py", "cdk/stacks/security_stack.py",
                "cdk/stacks/monitoring_stack.py", "cdk/stacks/cdn_stack.py",
                "helm/chat-app/Chart.yaml", "helm/chat-app/values.schema.json", f"helm/values-{env}.yaml",
                f"helm/aws-load-balancer-controller/values-{env}.yaml", "cdk/stacks/alb_controller.py",
                "cdk/stacks/alb_controller_iam_policy.json",
                "report/report.html", "report/report.md", "report/report.pdf", "report/bom.csv",
                "report/bom.xlsx", "usage.yaml", "scenario.yaml"):
        assert (root / rel).is_file(), rel
    assert _siblings(root) == ["bundle"]          # no temporary directory left behind
    assert oct(root.stat().st_mode & 0o777) == "0o755"


@pytest.mark.parametrize("case", list(CASES))
def test_scenario_yaml_reproduces_the_input(case: str, bundles) -> None:
    est, root = bundles[case]
    again = parse_scenario(yaml.safe_load((root / "scenario.yaml").read_text(encoding="utf-8")))
    assert again == est.scenario
    assert estimate(again).monthly_usd == est.monthly_usd


# --- the numbers agree ------------------------------------------------------------------------------

@pytest.mark.parametrize("case", list(CASES))
def test_helm_values_carry_planned_pods(case: str, bundles) -> None:
    est, root = bundles[case]
    v = yaml.safe_load((root / "helm" / f"values-{est.scenario.environment.value}.yaml").read_text())
    for name, plan in (("backend", est.plan.backend), ("frontend", est.plan.frontend)):
        block = v[name]
        assert block["replicaCount"] == plan.replicas
        assert block["autoscaling"]["minReplicas"] == plan.hpa_min
        assert block["autoscaling"]["maxReplicas"] == plan.hpa_max
        assert block["resources"]["requests"] == {"cpu": f"{plan.cpu_request_m}m",
                                                  "memory": f"{plan.memory_request_mi}Mi"}
        assert block["resources"]["limits"] == {"cpu": f"{plan.cpu_limit_m}m", "memory": f"{plan.memory_limit_mi}Mi"}
    assert v["global"]["environment"] == est.scenario.environment.value
    assert bool(v["ingress"]["wafAclArn"]) == est.plan.security.waf_enabled
    assert v["ingress"]["idleTimeoutSeconds"] > est.plan.workload.stream_duration_s


@pytest.mark.parametrize("case", list(CASES))
def test_cdk_config_carries_planned_sizes(case: str, bundles) -> None:
    est, root = bundles[case]
    p = est.plan
    cfg = load_config(root / "cdk" / "config" / f"{est.scenario.environment.value}.yaml")
    groups = {g.capacity_type: g for g in cfg.node_groups}
    assert sum(g.min_size for g in cfg.node_groups) == p.nodes.min
    assert sum(g.desired_size for g in cfg.node_groups) == p.nodes.desired
    assert sum(g.max_size for g in cfg.node_groups) == p.nodes.max
    assert (groups["ON_DEMAND"].desired_size if "ON_DEMAND" in groups else 0) == p.nodes.on_demand
    assert (groups["SPOT"].desired_size if "SPOT" in groups else 0) == p.nodes.spot
    assert all(g.instance_types == [p.nodes.instance_type] for g in cfg.node_groups)
    assert cfg.network.nat_gateways == p.network.nat_gateways
    assert cfg.network.availability_zones == max(2, p.network.availability_zones)
    assert cfg.monitoring.log_retention_days == p.observability.log_retention_days
    assert cfg.security.waf_enabled == p.security.waf_enabled
    assert set(cfg.security.kms_customer_managed_keys) == set(p.security.cmks + p.security.compliance_cmks)
    assert cfg.database.billing_mode == {"provisioned": "PROVISIONED",
                                         "on_demand": "PAY_PER_REQUEST"}[est.dynamodb_mode.recommended]
    if cfg.database.billing_mode == "PROVISIONED":
        assert cfg.database.chats_write_capacity == p.dynamodb.provisioned_wcu
        assert cfg.database.chats_read_capacity == p.dynamodb.provisioned_rcu
    assert cfg.database.point_in_time_recovery == p.dynamodb.pitr_enabled
    assert cfg.database.backups_enabled == p.dynamodb.backups_enabled
    assert cfg.database.backup_policy == p.dynamodb.backup_policy.value
    assert cfg.network.availability_zones == p.network.availability_zones   # priced zones are deployed zones
    assert cfg.monitoring.dashboards == p.observability.dashboards
    # the traffic alarm fires above the chats table's sized peak-hour write capacity (units per second)
    assert cfg.monitoring.traffic_write_units_per_s == max(1, p.dynamodb.provisioned_wcu)
    assert cfg.database.removal_policy == ("RETAIN" if est.scenario.environment.value == "prod" else "DESTROY")
    assert cfg.cache.enabled == (p.elasticache_node_type is not None)
    assert cfg.tags == {"Project": "ChatApp", "Environment": est.scenario.environment.value}
    assert cfg.scenario_name == est.scenario.name


@pytest.mark.parametrize("case", list(CASES))
def test_cdk_and_helm_name_the_same_tables_and_service_account(case: str, bundles) -> None:
    est, root = bundles[case]
    env = est.scenario.environment.value
    cfg = load_config(root / "cdk" / "config" / f"{env}.yaml")
    v = yaml.safe_load((root / "helm" / f"values-{env}.yaml").read_text())
    assert v["config"]["dynamodbUsersTable"] == cfg.users_table_name
    assert v["config"]["dynamodbChatsTable"] == cfg.chats_table_name
    assert v["serviceAccount"]["name"] == cfg.workload_identity.service_account


@pytest.mark.parametrize("case", list(CASES))
def test_report_total_equals_estimate(case: str, bundles) -> None:
    est, root = bundles[case]
    total = f"${est.monthly_usd:,.2f}"
    assert f'id="monthly-total">{total}<' in (root / "report" / "report.html").read_text(encoding="utf-8")
    assert f"**Monthly total: {total}**" in (root / "report" / "report.md").read_text(encoding="utf-8")
    rows = list(csv.DictReader((root / "report" / "bom.csv").open(encoding="utf-8")))
    end = [r["scenario"] for r in rows].index("TOTAL")       # the range and driver rows follow TOTAL
    assert sum(Decimal(r["monthly_usd"]) for r in rows[:end]) == est.monthly_usd


def test_node_group_split_by_hand() -> None:
    """Plan 5 nodes desired (3 on-demand + 2 spot), min 3, max 9, spot 40%: extra 4 -> spot floor(1.6)=1."""
    import dataclasses

    from sizing.nodes import split_node_groups as split_groups
    est = estimate(_scenario("dev-small"))
    nodes = dataclasses.replace(est.plan.nodes, desired=5, min=3, max=9, on_demand=3, spot=2)
    plan = dataclasses.replace(est.plan, nodes=nodes, node_groups=split_groups(nodes, 40.0), spot_share_pct=40.0)
    groups = split_node_groups(dataclasses.replace(est, plan=plan))
    assert [(g["name"], g["min_size"], g["desired_size"], g["max_size"]) for g in groups] == [
        ("on-demand", 3, 3, 6), ("spot", 0, 2, 3)]


def test_dev_plan_two_zones_one_nat_and_provisioned_users_table_minimum(bundles) -> None:
    est, _ = bundles["dev-small"]
    cfg = cdk_config_from_estimate(est)
    assert est.plan.network.availability_zones == 2 and est.plan.network.nat_gateways == 1
    assert cfg.network.availability_zone_names == ["us-east-1a", "us-east-1b"]
    assert cfg.network.nat_gateways == 1


def test_provisioned_capacity_matches_what_is_priced(bundles) -> None:
    from sizing.assumptions import PROVISIONED_MIN_CAPACITY

    est, _ = bundles["prod-hipaa-pci"]
    cfg = cdk_config_from_estimate(est)
    assert est.dynamodb_mode.recommended == "provisioned" and cfg.database.billing_mode == "PROVISIONED"
    assert cfg.database.users_read_capacity == cfg.database.users_write_capacity == PROVISIONED_MIN_CAPACITY
    d = est.plan.dynamodb
    # the CDK app auto scales chats + its mirrored GSI between the lowest and the highest hour priced, at 70 %
    db = cfg.database
    assert (db.chats_min_write_capacity, db.chats_write_capacity) == (d.provisioned_wcu_base, d.provisioned_wcu)
    assert (db.chats_min_read_capacity, db.chats_read_capacity) == (d.provisioned_rcu_base, d.provisioned_rcu)
    assert db.autoscaling_target_pct == 70
    # priced: chats + GSI hour by hour between those bounds, users + email GSI at the minimum all month
    assert 2 * d.provisioned_wcu_base * 730 + 2 * 730 <= d.provisioned_wcu_hours_month \
        <= 2 * d.provisioned_wcu * 730 + 2 * 730


# --- safety -----------------------------------------------------------------------------------------

_SECRET_LITERALS = re.compile(r"unsafe_plain_text|unsafePlainText|secret_string_value|SecretString\s*[:=]|"
                              r"(password|passwd|api_?key|token)\s*[:=]\s*['\"]?[A-Za-z0-9/+_-]{6,}", re.I)


def _text_files(root: Path):
    for p in root.rglob("*"):
        if p.is_file() and p.suffix not in (".pdf", ".xlsx"):
            yield p, p.read_text(encoding="utf-8")


def test_no_secret_value_in_any_file(bundles) -> None:
    for _, root in bundles.values():
        for path, text in _text_files(root):
            if path.name == "report.html":
                text = re.sub(r"<script type=\"text/javascript\">.*?</script>", "", text, flags=re.S)  # plotly.js
            hit = _SECRET_LITERALS.search(text)
            assert hit is None, f"{path}: {hit.group(0)!r}"


def test_helm_values_reference_secrets_by_name_only(bundles) -> None:
    est, root = bundles["prod-hipaa-pci"]
    v = yaml.safe_load((root / "helm" / "values-prod.yaml").read_text())

    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for k, val in node.items():
                if re.search(r"(password|secret|token|api_?key)", k, re.I) and not isinstance(val, (dict, bool)):
                    found.add(k)
                walk(val)
    walk(v)
    # only references to secrets (a Secret's name, an external store and key), never a value
    assert found <= {"existingSecret", "secretStoreKind", "secretStoreName", "remoteSecretName"}
    assert v["backend"]["existingSecret"] == "chat-backend-secrets"
    cfg = load_config(root / "cdk" / "config" / "prod.yaml")
    assert cfg.security.secret_names == [f"chatapp-prod/{n}" for n in est.plan.security.secrets]


def test_hostile_names_stay_data(bundles) -> None:
    est, root = bundles["prod-hipaa-pci"]
    html = (root / "report" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    cfg = load_config(root / "cdk" / "config" / "prod.yaml")
    assert cfg.scenario_name == NASTY and cfg.client == CASES["prod-hipaa-pci"]["client"]
    for py in (root / "cdk").rglob("*.py"):
        assert "alert(1)" not in py.read_text(encoding="utf-8")
    rows = list(csv.DictReader((root / "report" / "bom.csv").open(encoding="utf-8")))
    assert rows[0]["scenario"] == "'" + NASTY and rows[0]["client"].startswith("'+")


# --- atomicity and --force --------------------------------------------------------------------------

def test_existing_dir_is_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "b"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(BundleExistsError, match="pass --force"):
        generate_bundle(_scenario("dev-small"), out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    with pytest.raises(BundleExistsError, match="not a previous bundle"):
        generate_bundle(_scenario("dev-small"), out, force=True)
    assert (out / "keep.txt").read_text() == "mine"


def test_force_replaces_a_previous_bundle(tmp_path: Path) -> None:
    out = tmp_path / "b"
    generate_bundle(_scenario("dev-small"), out)
    (out / "stale.txt").write_text("old")
    generate_bundle(_scenario("staging-spot-cache"), out, force=True)
    assert not (out / "stale.txt").exists()
    assert (out / "helm" / "values-staging.yaml").is_file() and not (out / "helm" / "values-dev.yaml").exists()
    assert _siblings(out) == ["b"]


def test_failure_midway_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(bundle_mod, "write_report", boom)
    out = tmp_path / "b"
    with pytest.raises(RuntimeError, match="disk on fire"):
        generate_bundle(_scenario("dev-small"), out)
    assert list(tmp_path.iterdir()) == []


def test_failure_with_force_keeps_the_old_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "b"
    generate_bundle(_scenario("dev-small"), out)
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    monkeypatch.setattr(bundle_mod, "write_report", lambda *a, **k: (_ for _ in ()).throw(OSError("full")))
    with pytest.raises(OSError, match="full"):
        generate_bundle(_scenario("staging-spot-cache"), out, force=True)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert _siblings(out) == ["b"]


# --- CLI --------------------------------------------------------------------------------------------

def test_cli_generate_writes_bundle(tmp_path: Path) -> None:
    out = tmp_path / "b"
    res = runner.invoke(app, ["generate", "--out", str(out), "--users", "800", "--env", "staging"])
    assert res.exit_code == 0, res.output
    assert (out / "helm" / "values-staging.yaml").is_file() and (out / "report" / "report.pdf").is_file()


def test_cli_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "b"
    res = runner.invoke(app, ["generate", "--out", str(out), "--users", "0"])
    assert res.exit_code == 2 and "concurrent_users" in res.output and "1..1000000" in res.output
    assert not out.exists()
    res = runner.invoke(app, ["generate", "--out", str(out), "--snapshot", str(tmp_path / "none.json")])
    assert res.exit_code == 2 and not out.exists()
    res = runner.invoke(app, ["generate", "--out", str(out), "--pdf-charts", "png"])
    assert res.exit_code == 2 and not out.exists()
    out.mkdir()
    res = runner.invoke(app, ["generate", "--out", str(out)])
    assert res.exit_code == 2 and "--force" in res.output and list(out.iterdir()) == []
    os.rmdir(out)
    monkeypatch.setattr(bundle_mod, "write_report", lambda *a, **k: (_ for _ in ()).throw(OSError("no space")))
    res = runner.invoke(app, ["generate", "--out", str(out)])
    assert res.exit_code == 1 and "bundle not written" in res.output and "no space" in res.output
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in res.output


# --- the generated CDK app synthesizes ------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthesized(bundles) -> dict[str, dict[str, dict]]:
    """Every generated bundle through aws-cdk-lib in this process: case -> stack id -> template JSON."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    from aws_cdk.assertions import Template

    from generators.cdk import load_bundle_app

    out = {}
    for case, (est, root) in bundles.items():
        module = load_bundle_app(root / "cdk", f"tiersizer_bundle_app_{case.replace('-', '_')}")
        cdk_app = module.build_app(root / "cdk" / "config" / f"{est.scenario.environment.value}.yaml",
                                   outdir=str(root.parent / "cdk.out"))
        cdk_app.synth()
        out[case] = {c.node.id: Template.from_stack(c).to_json() for c in cdk_app.node.children
                     if hasattr(c, "stack_name")}
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_cdk_app_synthesizes_the_estimate(case: str, bundles, synthesized) -> None:
    """Tiers x environments x compliance sets: node groups, NAT, WAF, KMS keys, log retention, PITR and the
    DynamoDB billing mode in the synthesized templates are the estimate's."""
    est, _ = bundles[case]
    tpl = synthesized[case]

    def resources(rtype: str) -> list[dict]:
        return [r for t in tpl.values() for r in t["Resources"].values() if r["Type"] == rtype]

    n = est.plan.nodes
    groups = resources("AWS::EKS::Nodegroup")
    for key, planned in (("MinSize", n.min), ("DesiredSize", n.desired), ("MaxSize", n.max)):
        assert sum(g["Properties"]["ScalingConfig"][key] for g in groups) == planned, key
    assert sum(g["Properties"]["ScalingConfig"]["DesiredSize"] for g in groups
               if g["Properties"].get("CapacityType") == "SPOT") == n.spot
    assert {t for g in groups for t in g["Properties"]["InstanceTypes"]} == {n.instance_type}
    assert len(resources("AWS::EC2::NatGateway")) == est.plan.network.nat_gateways
    assert len(resources("AWS::WAFv2::WebACL")) == (1 if est.plan.security.waf_enabled else 0)
    sec = est.plan.security
    assert len(resources("AWS::KMS::Key")) == len(set(sec.cmks + sec.compliance_cmks))
    groups_days = {r["Properties"]["RetentionInDays"] for r in resources("AWS::Logs::LogGroup")}
    assert groups_days == {est.plan.observability.log_retention_days}
    tables = resources("AWS::DynamoDB::Table")
    assert len(tables) == 2
    mode = "PROVISIONED" if est.dynamodb_mode.recommended == "provisioned" else "PAY_PER_REQUEST"
    for table in tables:
        props = table["Properties"]
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is est.plan.dynamodb.pitr_enabled
        assert props.get("BillingMode", "PROVISIONED") == mode


#: Interface endpoints per case: Secrets Manager everywhere; HIPAA (Bedrock model) adds bedrock-runtime, logs,
#: ecr.api, ecr.dkr, sts and kms (docs/sizing-model.md § VPC endpoints).
_HIPAA_SET = ["secretsmanager", "bedrock-runtime", "logs", "ecr.api", "ecr.dkr", "sts", "kms"]


@pytest.mark.parametrize(("case", "zones", "names"), [("dev-small", 2, ["secretsmanager"]),
                                                      ("prod-enterprise-spot", 3, ["secretsmanager"]),
                                                      ("prod-hipaa-pci", 3, _HIPAA_SET)])
def test_interface_endpoints_in_every_zone(case: str, zones: int, names: list[str], bundles, synthesized) -> None:
    """The interface endpoints the estimate prices are deployed once each, in the private subnet of every zone
    (dev: 2 zones, prod: 3), private DNS on; HIPAA adds its PrivateLink set."""
    est, root = bundles[case]
    assert load_config(root / "cdk" / "config" / f"{est.scenario.environment.value}.yaml").network \
        .availability_zones == zones
    interface = [r["Properties"] for t in synthesized[case].values() for r in t["Resources"].values()
                 if r["Type"] == "AWS::EC2::VPCEndpoint" and r["Properties"].get("VpcEndpointType") == "Interface"]
    assert [e["ServiceName"] for e in interface] == [f"com.amazonaws.{est.scenario.region}.{n}" for n in names]
    assert all(len(e["SubnetIds"]) == zones and e["PrivateDnsEnabled"] is True for e in interface)
    gateway = [json.dumps(r["Properties"]["ServiceName"]) for t in synthesized[case].values()
               for r in t["Resources"].values()
               if r["Type"] == "AWS::EC2::VPCEndpoint" and r["Properties"].get("VpcEndpointType") == "Gateway"]
    assert sorted(".s3" in g for g in gateway) == [False, True]   # S3 and DynamoDB gateway endpoints (free)
    assert sum(".dynamodb" in g for g in gateway) == 1


def test_every_priced_interface_endpoint_is_deployable() -> None:
    from generators.cdk_config import INTERFACE_ENDPOINT_NAMES

    for case in ("dev-small", "prod-hipaa-pci"):
        est = estimate(_scenario(case))
        names = est.plan.network.interface_endpoints
        assert set(names) <= set(INTERFACE_ENDPOINT_NAMES)
        assert cdk_config_from_estimate(est).network.interface_endpoints == list(names)


def test_generated_cdk_templates_pass_cfn_lint(bundles, synthesized) -> None:
    """cfn-lint finds no error in the templates of the generated prod HIPAA+PCI bundle."""
    from cfnlint.api import ManualArgs, lint

    est, _ = bundles["prod-hipaa-pci"]
    errors = [f"{stack}: {m.rule.id} {m.message}" for stack, t in synthesized["prod-hipaa-pci"].items()
              for m in lint(yaml.safe_dump(t), config=ManualArgs(regions=[est.scenario.region]))
              if m.rule.severity == "error"]
    assert errors == []


def test_cli_kaleido_without_browser_fails_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    out = tmp_path / "b"
    res = runner.invoke(app, ["generate", "--out", str(out), "--env", "dev", "--pdf-charts", "kaleido"])
    assert res.exit_code == 1 and "no Chromium at" in res.output
    assert list(tmp_path.iterdir()) == []


def test_plan_beyond_one_bundle_is_invalid_input(tmp_path: Path) -> None:
    out = tmp_path / "b"
    with pytest.raises(bundle_mod.BundleInputError, match="concurrent_users: 1,000,000 users"):
        generate_bundle(parse_scenario({"concurrent_users": 1_000_000, "environment": "dev"}), out)
    res = runner.invoke(app, ["generate", "--out", str(out), "--users", "1000000", "--env", "dev"])
    assert res.exit_code == 2 and "cannot be deployed as one bundle" in res.output
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(users=st.integers(1, 300_000), env=st.sampled_from(["dev", "staging", "prod"]),
       comp=st.sets(st.sampled_from(["hipaa", "soc2", "gdpr", "pci"])),
       spot=st.one_of(st.none(), st.floats(0, 100)), zones=st.one_of(st.none(), st.integers(2, 3)),
       cache=st.booleans(), waf=st.one_of(st.none(), st.booleans()),
       option=st.sampled_from(["on_demand", "savings_plan_1y_no_upfront", "savings_plan_3y_all_upfront"]))
def test_mappings_realise_any_plan(users, env, comp, spot, zones, cache, waf, option) -> None:
    """For any scenario: the CDK config and Helm values carry the plan's numbers, or the bundle is refused."""
    s = parse_scenario({"concurrent_users": users, "environment": env, "compliance": ",".join(sorted(comp)),
                        "spot_share_pct": spot, "availability_zones": zones, "elasticache_enabled": cache,
                        "waf_enabled": waf, "purchase_option": option})
    est = estimate(s)
    try:
        cfg, values = bundle_mod.deployable(est)
    except bundle_mod.BundleInputError:
        assert est.plan.backend.hpa_max > 1000 or est.plan.nodes.max > 450
        return
    n = est.plan.nodes
    assert [sum(getattr(g, f) for g in cfg.node_groups) for f in ("min_size", "desired_size", "max_size")] == \
        [n.min, n.desired, n.max]
    assert sum(g.desired_size for g in cfg.node_groups if g.capacity_type == "SPOT") == n.spot
    assert cfg.network.nat_gateways == est.plan.network.nat_gateways
    assert cfg.security.waf_enabled == est.plan.security.waf_enabled
    assert values["backend"]["replicaCount"] == est.plan.backend.replicas
    assert values["backend"]["autoscaling"]["maxReplicas"] == est.plan.backend.hpa_max


def test_pod_that_fits_no_node_is_invalid_input(tmp_path: Path) -> None:
    """16 vCPU backend pods cannot schedule on 2-vCPU t3.medium dev nodes: refused, naming the fields."""
    out = tmp_path / "b"
    s = parse_scenario({"environment": "dev", "backend_cpu_request_m": 16000, "node_instance_type": "t3.medium"})
    assert not estimate(s).plan.nodes.feasible
    with pytest.raises(bundle_mod.BundleInputError, match=r"backend_cpu_request_m.*16000m.*t3\.medium"):
        generate_bundle(s, out)
    res = runner.invoke(app, ["generate", "--out", str(out), "--env", "dev", "--backend-cpu-request-m", "16000",
                              "--node-instance-type", "t3.medium"])
    assert res.exit_code == 2 and "does not fit on a t3.medium node" in res.output
    assert list(tmp_path.iterdir()) == []


def test_answer_longer_than_alb_idle_timeout_is_invalid_input(tmp_path: Path) -> None:
    """150,000 output tokens at Haiku's 60 tok/s stream > 2,500 s, beyond the 2,000 s (4,000 s / 2) the ALB
    idle timeout covers: refused naming output_tokens_per_message; 100,000 tokens (~1,667 s) still deploy."""
    s = parse_scenario({"environment": "dev", "output_tokens_per_message": 150_000})
    with pytest.raises(bundle_mod.BundleInputError, match=r"output_tokens_per_message: a 150,000-token.*2,000 s"):
        bundle_mod.deployable(estimate(s))
    cfg, values = bundle_mod.deployable(estimate(parse_scenario({"environment": "dev",
                                                                 "output_tokens_per_message": 100_000})))
    assert cfg.environment == "dev" and values["backend"]["replicaCount"] >= 1


# --- golden files of scenarios: the estimate -> config/values mapping is pinned ---------------------------
GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden"
GOLDEN_SCENARIOS = {
    "dev-small": {"environment": "dev", "concurrent_users": 120, "client": "Acme"},
    "staging-medium-spot-cache": {"environment": "staging", "concurrent_users": 3000, "spot_share_pct": 50,
                                  "elasticache_enabled": True, "compliance": "gdpr", "region": "eu-west-1"},
    "prod-large-hipaa-pci": {"concurrent_users": 5000, "compliance": "hipaa,pci", "average_load_pct_of_peak": 80,
                             "client": "Initech Health"},
}


@pytest.mark.parametrize("case", sorted(GOLDEN_SCENARIOS))
def test_golden_config_and_values_of_scenarios(case: str, tmp_path: Path) -> None:
    """config/<env>.yaml and values-<env>.yaml generated from a scenario, byte for byte.

    Update after an intended change: UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/generators/test_bundle.py -k golden
    (or `make golden`), then review `git diff tests/golden`."""
    from generators.cdk_config import config_yaml
    from generators.helm import write_values

    s = parse_scenario(dict(GOLDEN_SCENARIOS[case]))
    est = estimate(s)
    cfg, values = bundle_mod.deployable(est)
    write_values(values, tmp_path / "values.yaml")
    env = s.environment.value
    texts = {GOLDEN_DIR / "cdk" / f"scenario-{case}.{env}.yaml": config_yaml(cfg).encode("utf-8"),
             GOLDEN_DIR / "helm" / f"scenario-{case}.values-{env}.yaml": (tmp_path / "values.yaml").read_bytes()}
    for golden, data in texts.items():
        if os.environ.get("UPDATE_GOLDEN") == "1":
            golden.write_bytes(data)
        assert golden.read_bytes() == data, f"regenerate with UPDATE_GOLDEN=1 ({golden.name})"
    # the golden numbers are the plan's (so a reviewed golden diff is a reviewed plan change)
    assert load_config(GOLDEN_DIR / "cdk" / f"scenario-{case}.{env}.yaml") == cfg
    golden_values = yaml.safe_load(texts[GOLDEN_DIR / "helm" / f"scenario-{case}.values-{env}.yaml"])
    assert golden_values["backend"]["replicaCount"] == est.plan.backend.replicas
    assert golden_values["backend"]["autoscaling"]["maxReplicas"] == est.plan.backend.hpa_max


def test_cli_errors_print_paths_that_look_like_rich_markup_literally(tmp_path: Path) -> None:
    """`app.cli.fail` reads rich markup; an --out path holding '[/x]' must not turn the error into a traceback."""
    out = tmp_path / "[" / "x] bundle"             # the path reads .../[/x] bundle
    out.mkdir(parents=True)
    res = runner.invoke(app, ["generate", "--out", str(out), "--env", "dev"])
    assert res.exit_code == 2 and (res.exception is None or isinstance(res.exception, SystemExit)), res.output
    assert "[/x] bundle already exists; pass --force" in res.output.replace("\n", "")


def test_replica_cap_reaches_helm_and_node_groups_leave_room_for_a_rolling_update() -> None:
    from generators.helm_from_estimate import helm_values_from_estimate
    est = estimate(parse_scenario({"environment": "dev", "concurrent_users": 20000, "backend_max_replicas": 4}))
    v = helm_values_from_estimate(est)["backend"]
    # dev: HPA min 1; the cap is the HPA max and the replicas stop there (the load needs more: a warning says so)
    assert (v["replicaCount"], v["autoscaling"]["minReplicas"], v["autoscaling"]["maxReplicas"]) == (4, 1, 4)
    assert any("left unserved" in w for w in est.warnings)
    cfg = cdk_config_from_estimate(est)
    n = est.plan.nodes
    assert sum(g.max_size for g in cfg.node_groups) == n.max >= n.desired + 1
