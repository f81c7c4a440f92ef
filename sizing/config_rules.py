"""AWS Config managed rules each compliance regime deploys: one list, read by the sizing (evaluations =
configuration items x rules) and by the CDK generator (one `AWS::Config::ConfigRule` per identifier).

Identifiers are `SourceIdentifier`s of AWS Config managed rules, taken from the AWS sample conformance
packs, kept to the resources this stack has (docs/sizing-facts.md § AWS Config rules per regime):
"Operational Best Practices for HIPAA Security" [S160], "Operational Best Practices for PCI DSS" [S161]
and "Security Best Practices for Amazon EKS" [S162]. SOC 2 has no AWS pack mapped to a rule; it takes the
shared base (UNSOURCED choice, the same logging/encryption/access checks as the other regimes).
"""
from __future__ import annotations

from sizing.scenario import Compliance

#: Rules every regime with the `config` control deploys: logging, encryption, public access, IAM, backups, EKS.
BASE_RULES: tuple[str, ...] = (
    "CLOUD_TRAIL_ENABLED",                       # [S160][S161]
    "MULTI_REGION_CLOUD_TRAIL_ENABLED",          # [S160][S161]
    "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",   # [S160][S161]
    "DYNAMODB_PITR_ENABLED",                     # [S160]
    "DYNAMODB_IN_BACKUP_PLAN",                   # [S160]
    "ENCRYPTED_VOLUMES",                         # [S160][S161]
    "EC2_EBS_ENCRYPTION_BY_DEFAULT",             # [S160][S161]
    "S3_BUCKET_SSL_REQUESTS_ONLY",               # [S160][S161]
    "S3_BUCKET_PUBLIC_READ_PROHIBITED",          # [S160][S161]
    "S3_BUCKET_PUBLIC_WRITE_PROHIBITED",         # [S160][S161]
    "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",  # [S160][S161]
    "CMK_BACKING_KEY_ROTATION_ENABLED",          # [S160][S161]
    "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",        # [S160][S161]
    "CW_LOGGROUP_RETENTION_PERIOD_CHECK",        # [S160][S161]
    "IAM_ROOT_ACCESS_KEY_CHECK",                 # [S160][S161]
    "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",  # [S160][S161]
    "INCOMING_SSH_DISABLED",                     # [S160][S161]
    "EKS_SECRETS_ENCRYPTED",                     # [S162]
    "EKS_ENDPOINT_NO_PUBLIC_ACCESS",             # [S162]
)

#: Rules a regime adds to the base (for the controls it asks for: GuardDuty, WAF, Security Hub, data events).
REGIME_RULES: dict[Compliance, tuple[str, ...]] = {
    Compliance.hipaa: ("GUARDDUTY_ENABLED_CENTRALIZED", "CLOUDTRAIL_S3_DATAEVENTS_ENABLED"),          # [S160]
    Compliance.pci: ("GUARDDUTY_ENABLED_CENTRALIZED", "CLOUDTRAIL_S3_DATAEVENTS_ENABLED",
                     "ALB_WAF_ENABLED", "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", "SECURITYHUB_ENABLED"),  # [S161]
    Compliance.soc2: ("GUARDDUTY_ENABLED_CENTRALIZED", "SECURITYHUB_ENABLED"),                        # UNSOURCED
}


def config_rules_for(regimes: frozenset[Compliance] | set[Compliance]) -> tuple[str, ...]:
    """The managed rules deployed for `regimes` (base + each regime's, no duplicates, stable order);
    () when no regime asks for AWS Config."""
    asked = [r for r in sorted(regimes, key=lambda c: c.value) if r in REGIME_RULES]
    if not asked:
        return ()
    return tuple(dict.fromkeys(BASE_RULES + tuple(rule for r in asked for rule in REGIME_RULES[r])))
