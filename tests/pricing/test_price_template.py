"""price_template on hand-written CloudFormation templates (tests/fixtures/templates/): totals derived by hand
from the snapshot's list prices, the registry's free/unsupported lists, static resolution of counts, and bad
or hostile input (templates and usage files) refused with the file and field named, bounded in time."""
from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path

import pytest

from pricing.catalog import load_snapshot
from pricing.template import TemplateInputError, price_template, template_price_to_dict
from pricing.template.reader import read_template

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "templates"
H = Decimal(730)          # hours in the month (sizing/assumptions.py HOURS_PER_MONTH)


@pytest.fixture(scope="module")
def catalog():
    return load_snapshot()


def usd(catalog, key: str, region: str = "us-east-1") -> Decimal:
    return catalog.price(key, region).usd


def cents(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def by_key(tp) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for t in tp.lines:
        out[t.line.price_key] = out.get(t.line.price_key, Decimal(0)) + t.line.monthly_usd
    return out


# --------------------------------------------------------------------------- the three hand-written templates
def test_vpc_with_one_nat_gateway_and_eip(catalog) -> None:
    tp = price_template([FIXTURES / "vpc-nat.yaml"], FIXTURES / "vpc-nat.usage.yaml", "us-east-1", catalog)
    # us-east-1 list prices: NAT $0.045/h and $0.045/GB, public IPv4 $0.005/address-hour
    assert (usd(catalog, "vpc:nat-gateway-hour"), usd(catalog, "vpc:nat-gateway-gb"),
            usd(catalog, "vpc:public-ipv4-hour")) == (Decimal("0.045"), Decimal("0.045"), Decimal("0.005"))
    # NAT 730 h x 0.045 = 32.85; 100 GB x 0.045 = 4.50; EIP 730 h x 0.005 = 3.65; total 41.00
    assert by_key(tp) == {"vpc:nat-gateway-hour": Decimal("32.85"), "vpc:nat-gateway-gb": Decimal("4.50"),
                          "vpc:public-ipv4-hour": Decimal("3.65")}
    assert tp.monthly_usd == Decimal("41.00")
    assert {t.logical_id for t in tp.lines} == {"NatGateway", "NatEip"}
    assert tp.unsupported == ()
    assert dict(tp.free) == {"AWS::EC2::VPC": 1, "AWS::EC2::InternetGateway": 1, "AWS::EC2::VPCGatewayAttachment": 1,
                             "AWS::EC2::Subnet": 2, "AWS::EC2::RouteTable": 2, "AWS::EC2::Route": 2,
                             "AWS::EC2::SubnetRouteTableAssociation": 2}


def test_dynamodb_on_demand_with_pitr(catalog) -> None:
    tp = price_template([FIXTURES / "dynamodb-pitr.json"], FIXTURES / "dynamodb-pitr.usage.yaml", "us-east-1",
                        catalog)
    # us-east-1: $0.625 per million WRU, $0.125 per million RRU, $0.25/GB-month storage, $0.20/GB-month PITR
    prices = [usd(catalog, k) for k in ("dynamodb:write-request-million", "dynamodb:read-request-million",
                                         "dynamodb:storage-gb-month", "dynamodb:pitr-gb-month")]
    assert prices == [Decimal("0.625"), Decimal("0.125"), Decimal("0.25"), Decimal("0.2")]
    # writes 3.2 M x 0.625 = 2.00; reads 9 M x 0.125 = 1.125 -> 1.13; storage 40 GB x 0.25 = 10.00;
    # PITR 40 GB x 0.20 = 8.00; total 21.13 (free tiers are account-wide: not subtracted)
    assert by_key(tp) == {"dynamodb:write-request-million": Decimal("2.00"),
                          "dynamodb:read-request-million": Decimal("1.13"),
                          "dynamodb:storage-gb-month": Decimal("10.00"), "dynamodb:pitr-gb-month": Decimal("8.00")}
    assert tp.monthly_usd == Decimal("21.13")
    assert dict(tp.free) == {"AWS::IAM::Role": 1}


def test_alb_with_waf_web_acl_and_association(catalog) -> None:
    tp = price_template([FIXTURES / "alb-waf.yaml"], FIXTURES / "alb-waf.usage.yaml", "us-east-1", catalog)
    assert (usd(catalog, "elb:alb-hour"), usd(catalog, "elb:alb-lcu-hour")) == (Decimal("0.0225"), Decimal("0.008"))
    assert (usd(catalog, "waf:web-acl-month"), usd(catalog, "waf:rule-month"),
            usd(catalog, "waf:requests-million")) == (Decimal(5), Decimal(1), Decimal("0.6"))
    # ALB 730 h x 0.0225 = 16.425 -> 16.43; LCU 1,460 LCU-h x 0.008 = 11.68;
    # public IPv4: 2 subnets x 730 h x 0.005 = 7.30;
    # WAF: web ACL 5.00 + 3 rules x 1.00 + 5 M requests x 0.60 = 5.00 + 3.00 + 3.00
    # total 16.43 + 11.68 + 7.30 + 5.00 + 3.00 + 3.00 = 46.41
    assert by_key(tp) == {"elb:alb-hour": Decimal("16.43"), "elb:alb-lcu-hour": Decimal("11.68"),
                          "vpc:public-ipv4-hour": Decimal("7.30"), "waf:web-acl-month": Decimal("5.00"),
                          "waf:rule-month": Decimal("3.00"), "waf:requests-million": Decimal("3.00")}
    assert tp.monthly_usd == Decimal("46.41")
    assert dict(tp.free) == {"AWS::EC2::SecurityGroup": 1, "AWS::ElasticLoadBalancingV2::TargetGroup": 1,
                             "AWS::ElasticLoadBalancingV2::Listener": 1, "AWS::WAFv2::WebACLAssociation": 1}


def test_region_changes_the_unit_prices(catalog) -> None:
    tp = price_template([FIXTURES / "vpc-nat.yaml"], FIXTURES / "vpc-nat.usage.yaml", "eu-west-1", catalog)
    # eu-west-1: NAT $0.048/h and $0.048/GB; IPv4 $0.005/h: 730 x 0.048 = 35.04; 100 x 0.048 = 4.80; 3.65
    assert usd(catalog, "vpc:nat-gateway-hour", "eu-west-1") == Decimal("0.048")
    assert tp.monthly_usd == Decimal("35.04") + Decimal("4.80") + Decimal("3.65")


def test_without_usage_the_usage_lines_are_zero_and_say_so(catalog) -> None:
    tp = price_template([FIXTURES / "dynamodb-pitr.json"], None, "us-east-1", catalog)
    assert tp.monthly_usd == 0
    assert all("no usage given" in t.line.note for t in tp.lines)
    assert "LLM tokens are not in a template" in template_price_to_dict(tp)["note"]


# --------------------------------------------------------------------------- reading templates
def test_yaml_short_forms_become_long_forms() -> None:
    tpl = read_template(FIXTURES / "vpc-nat.yaml")
    nat = tpl.resources["NatGateway"]["Properties"]
    assert nat == {"AllocationId": {"Fn::GetAtt": ["NatEip", "AllocationId"]}, "SubnetId": {"Ref": "PublicSubnet"}}
    cidr = tpl.resources["PublicSubnet"]["Properties"]["CidrBlock"]
    assert cidr == {"Fn::Select": [0, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 4, 8]}]}
    assert tpl.resources["Vpc"]["Properties"]["Tags"][0]["Value"] == {"Fn::Sub": "${AWS::StackName}-vpc"}


def _write(tmp_path: Path, doc: dict | str, name: str = "t.json") -> Path:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return p


def _nodegroup(desired, params=None) -> dict:
    return {"Parameters": params or {}, "Resources": {"Nodes": {"Type": "AWS::EKS::Nodegroup", "Properties": {
        "ClusterName": "c", "NodeRole": "r", "Subnets": ["s"], "InstanceTypes": ["m6i.large"],
        "ScalingConfig": {"MinSize": 1, "DesiredSize": desired, "MaxSize": 9}}}}}


def test_count_from_a_parameter_default_is_used_and_said(tmp_path, catalog) -> None:
    p = _write(tmp_path, _nodegroup({"Ref": "Size"}, {"Size": {"Type": "Number", "Default": 3}}))
    tp = price_template([p], None, "us-east-1", catalog)
    nodes = [t.line for t in tp.lines if t.line.price_key == "ec2:m6i.large"]
    # 3 nodes x 730 h = 2,190 instance-hours at the m6i.large price; disk 3 x 20 GiB (EKS default) = 60 GB-month
    assert nodes[0].quantity == 3 * H
    assert nodes[0].monthly_usd == cents(3 * H * usd(catalog, "ec2:m6i.large"))
    assert "parameter Size's Default (3)" in nodes[0].note
    disk = [t.line for t in tp.lines if t.line.price_key == "ebs:gp3-gb-month"]
    assert disk[0].quantity == 60


@pytest.mark.parametrize("desired", [{"Ref": "Size"}, {"Fn::If": ["Big", 6, 2]}, -1, 2.5, "many"])
def test_count_that_cannot_be_priced_statically_names_resource_and_property(tmp_path, catalog, desired) -> None:
    p = _write(tmp_path, _nodegroup(desired, {"Size": {"Type": "Number"}}))
    with pytest.raises(TemplateInputError) as exc:
        price_template([p], None, "us-east-1", catalog)
    assert exc.value.where == f"{p}: Resources.Nodes.Properties.ScalingConfig.DesiredSize"


def test_unknown_types_are_listed_with_counts_never_dropped(tmp_path, catalog) -> None:
    doc = {"Resources": {
        "F1": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "F2": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
        "Key": {"Type": "AWS::KMS::Key", "Properties": {}}}}
    tp = price_template([_write(tmp_path, doc)], None, "us-east-1", catalog)
    assert [(u.type, u.count) for u in tp.unsupported] == [("AWS::Lambda::Function", 2)]
    assert dict(tp.free) == {"AWS::IAM::Role": 1}
    assert tp.monthly_usd == usd(catalog, "kms:key-month")       # 1 key-month x $1.00


def test_standard_eks_cluster_and_interface_endpoint(tmp_path, catalog) -> None:
    doc = {"Resources": {
        "Cluster": {"Type": "AWS::EKS::Cluster", "Properties": {"UpgradePolicy": {"SupportType": "STANDARD"}}},
        "Ep": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
            "VpcEndpointType": "Interface", "ServiceName": "com.amazonaws.us-east-1.sts", "VpcId": "v",
            "SubnetIds": [{"Ref": "A"}, {"Ref": "B"}, {"Ref": "C"}]}},
        "Gw": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {"ServiceName": "com.amazonaws.us-east-1.s3"}}}}
    tp = price_template([_write(tmp_path, doc)], None, "us-east-1", catalog)
    # cluster 730 h x $0.10 = 73.00; endpoint 3 AZs x 730 h x $0.01 = 21.90; the gateway endpoint is free
    assert (usd(catalog, "eks:cluster-hour"), usd(catalog, "vpc:interface-endpoint-hour")) == \
        (Decimal("0.10"), Decimal("0.01"))
    assert by_key(tp) == {"eks:cluster-hour": Decimal("73.00"), "vpc:interface-endpoint-hour": Decimal("21.90"),
                          "vpc:interface-endpoint-gb": Decimal("0.00")}
    assert dict(tp.free) == {"AWS::EC2::VPCEndpoint": 1}


@pytest.mark.parametrize("text, where", [
    ("[1, 2]", ""), ("Resources: []", "Resources"), ("Description: no resources", "Resources"),
    ('{"Resources": {"A": {"Properties": {}}}}', "Resources.A.Type"), ("a: [unclosed", ""),
    ("{not json", ""),
])
def test_not_a_template(tmp_path, catalog, text, where) -> None:
    p = _write(tmp_path, text, "t.yaml")
    with pytest.raises(TemplateInputError) as exc:
        price_template([p], None, "us-east-1", catalog)
    assert exc.value.where == (f"{p}: {where}" if where else str(p))


def test_missing_path_and_region(tmp_path, catalog) -> None:
    with pytest.raises(TemplateInputError, match="no such file"):
        price_template([tmp_path / "nope.yaml"], None, "us-east-1", catalog)
    with pytest.raises(TemplateInputError) as exc:
        price_template([FIXTURES / "vpc-nat.yaml"], None, None, catalog)
    assert exc.value.where == "--region" and "us-east-1" in exc.value.problem
    with pytest.raises(TemplateInputError) as exc:
        price_template([FIXTURES / "vpc-nat.yaml"], None, "mars-north-1", catalog)
    assert exc.value.where == "--region" and "eu-west-1" in exc.value.problem


# --------------------------------------------------------------------------- usage file
@pytest.mark.parametrize("usage, where, says", [
    ("resources: {Ghost: {data_processed_gb: 1}}", "resources.Ghost", "no resource 'Ghost'"),
    ("resources: {NatGateway: {gigabytes: 1}}", "resources.NatGateway.gigabytes", "allowed: data_processed_gb"),
    ("resources: {NatGateway: {data_processed_gb: -1}}", "resources.NatGateway.data_processed_gb", ">= 0"),
    ("resources: {NatGateway: {data_processed_gb: lots}}", "resources.NatGateway.data_processed_gb", "number"),
    ("resources: {NatGateway: {data_processed_gb: true}}", "resources.NatGateway.data_processed_gb", "number"),
    ("resources: {NatGateway: {data_processed_gb: .inf}}", "resources.NatGateway.data_processed_gb", "finite"),
    ("resources: {NatGateway: {data_processed_gb: 1e300}}", "resources.NatGateway.data_processed_gb", "range"),
    ("resources: {NatGateway: {data_processed_gb: " + "9" * 30 + "}}", "resources.NatGateway.data_processed_gb",
     "range"),
    ("resources: {Vpc: {storage_gb: 1}}", "resources.Vpc", "takes no usage"),
    ("version: 2", "version", "must be 1"),
    ("resource: {}", "resource", "unknown key"),
    ("outside: {Service/x: {load_balancers: 1}}", "outside.Service/x", "allowed: `account`"),
    ("outside: {k8s:Ingress/app: {addresses: 3}}", "outside.k8s:Ingress/app.addresses", "allowed: load_balancers"),
    ("outside: {account: {xray_traces: -5}}", "outside.account.xray_traces", ">= 0"),
    ("outside: [1]", "outside", "must map"),
])
def test_bad_usage_file_names_the_field(tmp_path, catalog, usage, where, says) -> None:
    u = _write(tmp_path, usage, "usage.yaml")
    with pytest.raises(TemplateInputError) as exc:
        price_template([FIXTURES / "vpc-nat.yaml"], u, "us-east-1", catalog)
    assert exc.value.where == f"{u}: {where}"
    assert says in exc.value.problem


def test_outside_section_prices_the_ingress_alb_and_account_usage(tmp_path, catalog) -> None:
    u = _write(tmp_path, "resources: {NatGateway: {data_processed_gb: 100}}\n"
               "outside:\n"
               "  k8s:Ingress/app: {load_balancers: 1, public_ipv4_addresses: 2, lcu_hours: 1000}\n"
               "  account: {xray_traces: 3000000, internet_out_gb: 50, free_alarms: 10}\n", "usage.yaml")
    tp = price_template([FIXTURES / "vpc-nat.yaml"], u, "us-east-1", catalog)
    # us-east-1: ALB $0.0225/h, LCU $0.008/LCU-h, IPv4 $0.005/h, X-Ray $5 per million traces, egress $0.09/GB
    assert (usd(catalog, "elb:alb-hour"), usd(catalog, "elb:alb-lcu-hour"), usd(catalog, "xray:traces-million"),
            usd(catalog, "datatransfer:internet-out-gb")) == (Decimal("0.0225"), Decimal("0.008"), Decimal("5"),
                                                              Decimal("0.09"))
    # ALB 730 x 0.0225 = 16.425 -> 16.43; LCU 1,000 x 0.008 = 8.00; 2 addresses x 730 x 0.005 = 7.30;
    # X-Ray 3 x 5 = 15.00; egress 50 x 0.09 = 4.50 (first tier); the template's 41.00 as before
    outside = {(t.type, t.line.price_key): t.line.monthly_usd for t in tp.lines if t.stack == "(outside the template)"}
    assert outside == {("k8s:Ingress", "elb:alb-hour"): Decimal("16.43"), ("k8s:Ingress", "elb:alb-lcu-hour"):
                       Decimal("8.00"), ("k8s:Ingress", "vpc:public-ipv4-hour"): Decimal("7.30"),
                       ("account", "xray:traces-million"): Decimal("15.00"),
                       ("account", "datatransfer:internet-out-gb"): Decimal("4.50")}
    assert tp.monthly_usd == Decimal("41.00") + Decimal("16.43") + Decimal("8.00") + Decimal("7.30") + \
        Decimal("15.00") + Decimal("4.50")


def test_free_alarms_cover_the_first_alarms_only(tmp_path, catalog) -> None:
    alarms = {f"A{i}": {"Type": "AWS::CloudWatch::Alarm", "Properties": {}} for i in range(12)}
    t = _write(tmp_path, {"Resources": alarms})
    u = _write(tmp_path, "outside: {account: {free_alarms: 10}}", "usage.yaml")
    tp = price_template([t], u, "us-east-1", catalog)
    # 12 alarms, 10 free: 2 x $0.10
    assert usd(catalog, "cloudwatch:alarm-month") == Decimal("0.10")
    assert [t.line.monthly_usd for t in tp.lines].count(Decimal(0)) == 10
    assert tp.monthly_usd == Decimal("0.20")
    assert price_template([t], None, "us-east-1", catalog).monthly_usd == Decimal("1.20")   # without: all 12


# --------------------------------------------------------------------------- hostile files
def _refused_quickly(tmp_path, catalog, text: str, name: str = "t.yaml", says: str = "") -> None:
    p = _write(tmp_path, text, name)
    start = time.perf_counter()
    with pytest.raises(TemplateInputError) as exc:
        price_template([p], None, "us-east-1", catalog)
    assert time.perf_counter() - start < 5
    assert says in str(exc.value)


def test_billion_laughs_is_refused(tmp_path, catalog) -> None:
    many = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    many += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 5)]   # 40 aliases
    _refused_quickly(tmp_path, catalog, "\n".join(many + ["Resources: {A: {Type: X}}"]), says="aliases")
    # 31 aliases (within the limit) that expand to 1,000 x 10 x 10 x 10 = 1,000,000 values
    wide = ["a0: &a0 [" + ", ".join(["x"] * 1000) + "]"]
    wide += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 4)]
    wide += ["Resources: {A: {Type: 'AWS::IAM::Role', Properties: {P: [*a3]}}}"]
    _refused_quickly(tmp_path, catalog, "\n".join(wide), says="once aliases are expanded")


def test_deep_nesting_is_refused(tmp_path, catalog) -> None:
    _refused_quickly(tmp_path, catalog, "[" * 100_000 + "]" * 100_000, "deep.yaml", "deeper")
    _refused_quickly(tmp_path, catalog, '{"a":' * 100_000 + "1" + "}" * 100_000, "deep.json", "deeper")


def test_large_file_is_refused(tmp_path, catalog, monkeypatch) -> None:
    monkeypatch.setenv("TIERSIZER_MAX_TEMPLATE_MB", "0.01")      # 10 KB
    _refused_quickly(tmp_path, catalog, "Resources: {}\n" + "# pad\n" * 5000, says="larger than")


def test_cdk_out_folder_region_from_manifest(tmp_path, catalog) -> None:
    out = tmp_path / "cdk.out"
    out.mkdir()
    (out / "Net.template.json").write_text((FIXTURES / "dynamodb-pitr.json").read_text())
    (out / "Inner.nested.template.json").write_text("{}")
    (out / "asset.abc").mkdir()
    (out / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": {"Net": {
        "type": "aws:cloudformation:stack", "environment": "aws://unknown-account/eu-west-1",
        "properties": {"templateFile": "Net.template.json"}}}}))
    tp = price_template([out], FIXTURES / "dynamodb-pitr.usage.yaml", None, catalog)
    assert tp.region == "eu-west-1" and {t.stack for t in tp.lines} == {"Net"}
    assert any("nested stack" in n for n in tp.notes) and any("asset" in n for n in tp.notes)


def test_flow_style_yaml_and_a_subnet_list_parameter(tmp_path, catalog) -> None:
    text = ("{Parameters: {Subnets: {Type: CommaDelimitedList, Default: 'subnet-a,subnet-b,subnet-c'}},"
            " Resources: {Lb: {Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {Subnets: !Ref Subnets}}}}")
    tp = price_template([_write(tmp_path, text, "lb.yaml")], None, "us-east-1", catalog)
    ipv4 = [t.line for t in tp.lines if t.line.price_key == "vpc:public-ipv4-hour"]
    # 3 subnets from the parameter's Default x 730 h x $0.005 = 10.95
    assert ipv4[0].quantity == 3 * H and ipv4[0].monthly_usd == Decimal("10.95")


def test_eks_cluster_without_upgrade_policy_is_standard_and_says_so(tmp_path, catalog) -> None:
    tp = price_template([_write(tmp_path, {"Resources": {"C": {"Type": "AWS::EKS::Cluster"}}})], None, "us-east-1",
                        catalog)
    # 730 h x $0.10 = 73.00
    assert tp.monthly_usd == Decimal("73.00") and "no Version given" in tp.lines[0].line.note


@pytest.mark.parametrize(("version", "policy", "key", "usd_month"), [
    ("1.33", "EXTENDED", "eks:cluster-hour-extended", "438.00"),   # past standard support (2026-07-29): 730 x $0.60
    ("1.33", "", "eks:cluster-hour-extended", "438.00"),           # no policy: AWS's default is EXTENDED
    ("1.35", "EXTENDED", "eks:cluster-hour", "73.00"),            # still in standard support: 730 x $0.10
    ("", "", "eks:cluster-hour", "73.00"),                        # no version: the newest
])
def test_eks_cluster_support_follows_the_version_calendar(tmp_path, catalog, version, policy, key, usd_month) -> None:
    props: dict = {}
    if version:
        props["Version"] = version
    if policy:
        props["UpgradePolicy"] = {"SupportType": policy}
    tp = price_template([_write(tmp_path, {"Resources": {"Cluster": {"Type": "AWS::EKS::Cluster",
                                                                     "Properties": props}}})], None, "us-east-1", catalog)
    assert [ln.line.price_key for ln in tp.lines] == [key]
    assert tp.monthly_usd == Decimal(usd_month)


def test_auto_scaled_provisioned_capacity_takes_the_usage_files_unit_hours(tmp_path, catalog) -> None:
    table = {"Type": "AWS::DynamoDB::Table", "Properties": {
        "BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 10}}}
    path = _write(tmp_path, {"Resources": {"T": table}})
    fixed = price_template([path], None, "us-east-1", catalog)
    # no usage: the template's units all month, 10 x 730 WCU-hours and 5 x 730 RCU-hours
    assert [ln.line.quantity for ln in fixed.lines[:2]] == [Decimal(7300), Decimal(3650)]
    usage = tmp_path / "usage.yaml"
    usage.write_text("version: 1\nresources:\n  T: {write_capacity_unit_hours: 4000, read_capacity_unit_hours: 2000}\n")
    scaled = price_template([path], usage, "us-east-1", catalog)
    wcu, rcu = usd(catalog, "dynamodb:wcu-hour"), usd(catalog, "dynamodb:rcu-hour")
    assert [ln.line.quantity for ln in scaled.lines[:2]] == [Decimal(4000), Decimal(2000)]
    # 4,000 x $0.00065 + 2,000 x $0.00013 = $2.60 + $0.26
    assert (wcu, rcu) == (Decimal("0.00065"), Decimal("0.00013"))
    assert scaled.monthly_usd == Decimal("2.86")
