"""The Scenario's choice fields: environments, compliance regimes, purchase options, backup, provisioner, DR, profiles."""
from __future__ import annotations

from enum import Enum


class Environment(str, Enum):
    dev = "dev"
    staging = "staging"
    prod = "prod"


class Compliance(str, Enum):
    hipaa = "hipaa"
    soc2 = "soc2"
    gdpr = "gdpr"
    pci = "pci"


class PurchaseOption(str, Enum):
    """How the nodes are bought: on demand, or a Savings Plan on the always-on base (the savings_plan_* are
    Compute Savings Plans; docs/pricing.md § Purchase options)."""
    on_demand = "on_demand"
    savings_plan_1y_no_upfront = "savings_plan_1y_no_upfront"
    savings_plan_1y_partial_upfront = "savings_plan_1y_partial_upfront"
    savings_plan_1y_all_upfront = "savings_plan_1y_all_upfront"
    savings_plan_3y_no_upfront = "savings_plan_3y_no_upfront"
    savings_plan_3y_partial_upfront = "savings_plan_3y_partial_upfront"
    savings_plan_3y_all_upfront = "savings_plan_3y_all_upfront"
    ec2_instance_savings_plan_1y_no_upfront = "ec2_instance_savings_plan_1y_no_upfront"
    ec2_instance_savings_plan_1y_partial_upfront = "ec2_instance_savings_plan_1y_partial_upfront"
    ec2_instance_savings_plan_1y_all_upfront = "ec2_instance_savings_plan_1y_all_upfront"
    ec2_instance_savings_plan_3y_no_upfront = "ec2_instance_savings_plan_3y_no_upfront"
    ec2_instance_savings_plan_3y_partial_upfront = "ec2_instance_savings_plan_3y_partial_upfront"
    ec2_instance_savings_plan_3y_all_upfront = "ec2_instance_savings_plan_3y_all_upfront"


class BackupPolicy(str, Enum):
    """How the DynamoDB tables are backed up (docs/sizing-model.md § DynamoDB backups)."""
    pitr_only = "pitr-only"          # point-in-time recovery (35 days), no AWS Backup plan
    pitr_weekly = "pitr+weekly"      # PITR + a weekly AWS Backup rule kept 35 days (5 full copies)
    daily_30 = "daily-30"            # PITR + a daily AWS Backup rule kept 30 days (30 full copies)


class NodeProvisioner(str, Enum):
    """Who launches the worker nodes: EKS managed node groups (cluster autoscaler) or Karpenter."""

    managed_nodegroup = "managed-nodegroup"
    karpenter = "karpenter"


class DrMode(str, Enum):
    """Disaster recovery (docs/sizing-model.md § Disaster recovery)."""
    none = "none"                    # one Region
    backup_copy = "backup-copy"      # AWS Backup recovery points copied to a vault in dr_region
    warm_standby = "warm-standby"    # DynamoDB global tables + a scaled-down cluster in dr_region


class InferenceProfile(str, Enum):
    """Where Bedrock may run a request: any Region (global), the source Region's geography, or the Region."""

    global_ = "global"
    geo = "geo"
    in_region = "in-region"
