"""AWS Config managed rules each compliance regime deploys: one list, read by the sizing (evaluations =
configuration items x rules) and by the CDK generator (one `AWS::Config::ConfigRule` per identifier).

Identifiers are `SourceIdentifier`s of AWS Config managed rules taken from the AWS sample conformance packs
(awslabs/aws-config-rules, aws-config-conformance-packs/, HEAD b54d4a6c), kept to the resources this stack has
(docs/sizing-facts.md § AWS Config rules per regime): "Operational Best Practices for HIPAA Security" [S160],
"Operational Best Practices for PCI DSS v4.0" (excluding global resource types) [S161], "Security Best
Practices for Amazon EKS" [S162]. SOC 2 has no AWS pack: its list is a choice (UNSOURCED) of identifiers from
those packs (logging, encryption, public access, GuardDuty, Security Hub).
"""
from __future__ import annotations

from sizing.scenario import Compliance

#: Regime -> its managed rules (every identifier is in the pack named in its comment).
REGIME_RULES: dict[Compliance, tuple[str, ...]] = {
    Compliance.hipaa: (                              # all in the HIPAA Security pack [S160]
        "CLOUD_TRAIL_ENABLED", "MULTI_REGION_CLOUD_TRAIL_ENABLED", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
        "CLOUDTRAIL_S3_DATAEVENTS_ENABLED", "DYNAMODB_PITR_ENABLED", "DYNAMODB_IN_BACKUP_PLAN", "ENCRYPTED_VOLUMES",
        "EC2_EBS_ENCRYPTION_BY_DEFAULT", "S3_BUCKET_SSL_REQUESTS_ONLY", "S3_BUCKET_PUBLIC_READ_PROHIBITED",
        "S3_BUCKET_PUBLIC_WRITE_PROHIBITED", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        "KMS_CMK_NOT_SCHEDULED_FOR_DELETION", "IAM_ROOT_ACCESS_KEY_CHECK", "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
        "INCOMING_SSH_DISABLED", "GUARDDUTY_ENABLED_CENTRALIZED", "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
    ),
    Compliance.pci: (                                # all in the PCI DSS v4.0 pack [S161]
        "CLOUD_TRAIL_ENABLED", "MULTI_REGION_CLOUD_TRAIL_ENABLED", "CLOUDTRAIL_SECURITY_TRAIL_ENABLED",
        "CW_LOGGROUP_RETENTION_PERIOD_CHECK", "CLOUDWATCH_ALARM_ACTION_CHECK", "DYNAMODB_PITR_ENABLED",
        "DYNAMODB_IN_BACKUP_PLAN", "DYNAMODB_TABLE_ENCRYPTED_KMS", "EKS_ENDPOINT_NO_PUBLIC_ACCESS",
        "EKS_SECRETS_ENCRYPTED", "EKS_CLUSTER_OLDEST_SUPPORTED_VERSION", "EC2_IMDSV2_CHECK", "INCOMING_SSH_DISABLED",
        "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS", "S3_BUCKET_VERSIONING_ENABLED", "ACCESS_KEYS_ROTATED",
    ),
    Compliance.soc2: (                               # UNSOURCED choice; identifiers from [S160][S161][S162]
        "CLOUD_TRAIL_ENABLED", "MULTI_REGION_CLOUD_TRAIL_ENABLED", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
        "CW_LOGGROUP_RETENTION_PERIOD_CHECK", "DYNAMODB_PITR_ENABLED", "ENCRYPTED_VOLUMES",
        "S3_BUCKET_SSL_REQUESTS_ONLY", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        "IAM_ROOT_ACCESS_KEY_CHECK", "GUARDDUTY_ENABLED_CENTRALIZED", "SECURITYHUB_ENABLED",
        "EKS_SECRETS_ENCRYPTED", "EKS_ENDPOINT_NO_PUBLIC_ACCESS",
    ),
}


def config_rules_for(regimes: frozenset[Compliance] | set[Compliance]) -> tuple[str, ...]:
    """The managed rules deployed for `regimes`: each regime's list, in regime-name order, without duplicates;
    () when no regime asks for AWS Config."""
    ordered = [r for r in sorted(regimes, key=lambda c: c.value) if r in REGIME_RULES]
    return tuple(dict.fromkeys(rule for r in ordered for rule in REGIME_RULES[r]))
