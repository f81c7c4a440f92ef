"""Every sizing constant, once, with its source. `docs/sizing-model.md` explains how each is used.

Facts cite docs/sizing-facts.md sections (by name, after §) and its [Sx] sources; UNSOURCED values are
planning assumptions shown to the user, not facts.
"""
from __future__ import annotations

from decimal import Decimal

HOURS_PER_MONTH = Decimal(730)   # AWS bills a month as 730 hours (docs/sizing-facts.md § Conventions; also Infracost's constant)
SECONDS_PER_HOUR = 3600
DAYS_PER_MONTH = float(HOURS_PER_MONTH) / 24   # 30.4167 days
BYTES_PER_GB = 1024 ** 3         # AWS billing GB (2^30 bytes)
KB = 1024

# --- Backend and frontend pods -------------------------------------------------------------
HPA_CPU_TARGET_PCT = 70          # plan HPA: averageUtilization 70 (cpu)
HPA_MEMORY_TARGET_PCT = 80       # plan HPA: averageUtilization 80 (memory)
BACKEND_CPU_LIMIT_FACTOR = 2     # plan Deployment: requests 250m/256Mi, limits 500m/512Mi
HPA_MAX_HEADROOM = 1.5           # UNSOURCED: HPA max = 1.5 x pods needed at peak (burst above forecast)
CPU_MS_PER_API_REQUEST = 5.0     # UNSOURCED: FastAPI JSON call + one DynamoDB round trip, CPU ms
CPU_MS_PER_MESSAGE = 50.0        # UNSOURCED: one streamed answer (~400 SSE events relayed + 2 DB writes), CPU ms
APP_OVERHEAD_PER_STREAM_S = 0.2  # UNSOURCED: app time around the model call (auth, DB, queueing), s
FRONTEND_CPU_REQUEST_M = 100     # UNSOURCED: nginx SPA pod (plan gives no requests; docs/sizing-facts.md § Backend pod packing)
FRONTEND_MEMORY_REQUEST_MI = 128
FRONTEND_RPS_PER_POD = 200       # UNSOURCED: nginx serving index.html/config behind CloudFront
SESSION_HOURS = 0.25             # docs/sizing-facts.md § Chat traffic per user [S56][S57]: 7-14 min per visit -> 15 min session, one page load

# --- Node overhead (docs/sizing-facts.md § System add-on overhead, derived from the charts' requests) -----------------------------
DAEMONSET_CPU_M = 385            # aws-node + kube-proxy + ebs-csi-node + fluent-bit + CW agent; docs/sizing-facts.md § System add-on overhead
DAEMONSET_MEMORY_MI = 290        # same set; docs/sizing-facts.md § System add-on overhead
DAEMONSET_POD_IPS = 3            # ebs-csi-node, fluent-bit, CW agent take pod IPs (aws-node/kube-proxy are the +2)
HOST_NETWORK_PODS = 2            # the "+2" of the max-pods formula; docs/sizing-facts.md § Node allocatable and max pods [S1]
CLUSTER_ADDON_CPU_M = 320        # CoreDNS 2x100m + metrics-server 100m + EBS controller 2x10m; docs/sizing-facts.md § System add-on overhead
CLUSTER_ADDON_MEMORY_MI = 420    # CoreDNS 2x70Mi + metrics-server 200Mi + EBS controller 2x40Mi; docs/sizing-facts.md § System add-on overhead
CLUSTER_ADDON_PODS = 7           # CoreDNS 2, metrics-server 1, EBS controller 2, LB controller 2; docs/sizing-facts.md § System add-on overhead
NODE_DISK_GIB = 50               # plan add_nodegroup_capacity(disk_size=50)
HPA_SCALE_DOWN_STABILIZATION_S = 300   # HPA behavior.scaleDown default window; docs/sizing-facts.md § Scale-down delay [S109]
CA_SCALE_DOWN_UNNEEDED_S = 600         # cluster-autoscaler --scale-down-unneeded-time default; docs/sizing-facts.md § Scale-down delay [S110]
SCALE_DOWN_DELAY_H = (HPA_SCALE_DOWN_STABILIZATION_S + CA_SCALE_DOWN_UNNEEDED_S) / SECONDS_PER_HOUR  # 0.25 h a drop's nodes stay billed
# --- Spot and Karpenter (docs/sizing-facts.md § Spot interruption headroom, § Karpenter controller and NodePool) -------
SPOT_INTERRUPTION_HEADROOM_PCT = 10.0  # UNSOURCED (range 5-20 %): extra spot node-hours priced to absorb reclaims
PROD_ON_DEMAND_FLOOR_PER_AZ = 1        # UNSOURCED policy: prod keeps >= 1 on-demand node per AZ whatever the spot share
KARPENTER_VERSION = "1.14.1"           # chart/controller pinned; supports Kubernetes 1.26-1.36; docs/sizing-facts.md § Karpenter controller and NodePool [S170]
KARPENTER_CONTROLLER_CPU_M = 1000      # getting-started Helm install: requests = limits = 1 CPU; same section [S171]
KARPENTER_CONTROLLER_MEMORY_MI = 1024  # and 1Gi; same section [S171]
KARPENTER_SYSTEM_INSTANCE_TYPE = "t3.medium"   # UNSOURCED choice: smallest shape that fits one controller next to DaemonSets
KARPENTER_CONSOLIDATE_AFTER_S = CA_SCALE_DOWN_UNNEEDED_S  # set equal so § Scale-down delay holds for both provisioners
KARPENTER_LIMIT_HEADROOM_PCT = 20.0    # UNSOURCED: NodePool limits = nodes at the HPA maxima + 20 % (replacements, headroom)
CREDIT_DAY_HOURS = 24                  # unlimited mode evens CPU use over 24 h; docs/sizing-facts.md § Burstable t3 credits [S111]
T_UNLIMITED_DEFAULT = True       # T3/T3a launch in unlimited mode by default; docs/sizing-facts.md § Burstable t3 credits [S15][S16]

# --- DynamoDB (docs/sizing-facts.md § DynamoDB request units, § DynamoDB storage, PITR and backups) -------------------------------------------------------------------------
WRITE_UNIT_KB = 1                # 1 WRU per 1 KB written; docs/sizing-facts.md § DynamoDB request units [S24][S25]
READ_UNIT_KB = 4                 # 1 RRU per 4 KB strongly consistent read; docs/sizing-facts.md § DynamoDB request units [S24][S25]
BYTES_PER_TOKEN = 4              # ~4 characters of English text per token, 1 byte each in UTF-8; docs/sizing-facts.md § DynamoDB item size [S130]
CHAT_ITEM_META_BYTES = 260       # UNSOURCED sizes: id, user_id (UUIDs), title (60 chars), created_at, updated_at, model, list header; docs/sizing-facts.md § DynamoDB item size
TURN_OVERHEAD_BYTES = 117        # two message maps {role, content, created_at}: names 21 + role 4|9 + timestamp 24 + map 3 + 1 per element x 4; docs/sizing-facts.md § DynamoDB item size [S131]
ITEM_STORAGE_OVERHEAD_BYTES = 100  # billed storage adds 100 bytes per item, in the table and in each index; docs/sizing-facts.md § DynamoDB item size [S132]
CHATS_GSI_WRITES_PER_UPDATE = 2  # updated_at is the GSI sort key: delete + put; docs/sizing-facts.md § DynamoDB GSI write amplification [S34]
CHATS_GSI_PROJECTION_ALL = True  # plan: user-id-index projection ALL -> index write = item size
API_READ_KB = 4                  # UNSOURCED: one eventually consistent 4 KB read per API call
PROVISIONED_TARGET_UTILISATION = 0.7   # DynamoDB auto scaling default target 70%
PROVISIONED_MIN_CAPACITY = 1     # DynamoDB minimum provisioned units per table or index (users table)
PROVISIONED_INDEX_MIRRORS_TABLE = True  # the generated CDK app gives each GSI its table's capacity
BACKUP_RETENTION_DAYS = 30       # daily-30 policy: daily AWS Backup, retention 30 days
WEEKLY_BACKUP_RETENTION_DAYS = 35  # pitr+weekly policy: weekly AWS Backup kept 35 days = 5 copies (the PITR window)
WEEKLY_BACKUP_COPIES = 5         # 35 days / 7
# --- Disaster recovery (docs/sizing-model.md § Disaster recovery; docs/sizing-facts.md § Disaster recovery) ---
DR_COPY_ONLY_RETENTION_DAYS = 7  # pitr-only + backup-copy: a daily rule only for the copy, copies kept 7 days (UNSOURCED policy)
DR_COPY_SOURCE_RETENTION_DAYS = 1  # ... its source recovery point kept 1 day, AWS Backup's shortest retention [S201]
DR_AVAILABILITY_ZONES = 2        # warm standby: the scaled-down VPC spans 2 AZs (EKS needs 2) with one NAT
SCALE_DOWN_LAG_HOURS = 1         # auto scaling lowers capacity an hour late (decreases per day are limited); docs/sizing-facts.md § DynamoDB capacity mode break-even [S133]
PITR_WINDOW_DAYS = 35            # DynamoDB PITR window (docs/sizing-facts.md § DynamoDB storage, PITR and backups [S31]); price does not depend on it

# --- Network (docs/sizing-facts.md § ALB capacity units and timeouts, § NAT gateways and VPC endpoints, § CloudFront and SPA weight) -----------------------------------------------------------------
ALB_IDLE_TIMEOUT_S = 60          # ALB default; docs/sizing-facts.md § ALB capacity units and timeouts [S22]
NEW_CONN_PER_LCU = 25            # per second; docs/sizing-facts.md § ALB capacity units and timeouts [S18][S20]
ACTIVE_CONN_PER_LCU = 3000       # per minute; docs/sizing-facts.md § ALB capacity units and timeouts
GB_PER_HOUR_PER_LCU = 1.0        # EC2/IP targets; docs/sizing-facts.md § ALB capacity units and timeouts
RULE_EVALS_PER_LCU = 1000        # per second; first 10 rules free; docs/sizing-facts.md § ALB capacity units and timeouts
ALB_FREE_RULES = 10
ALB_RULES = 3                    # UNSOURCED: /api, /, default
API_RESPONSE_KB = 4.0            # UNSOURCED: JSON list/detail responses
USER_MESSAGE_BYTES = 400         # docs/sizing-facts.md § Chat traffic per user: 50-150 tokens per user message x 4 chars
SSE_BYTES_PER_TOKEN = 40         # UNSOURCED: one SSE data event of JSON per token (~4 chars of text)
LLM_WIRE_BYTES_PER_TOKEN = 6     # docs/sizing-facts.md § Bedrock prices and network path derived: ~4 bytes/token plus JSON (13-20 GB per 1M msgs of 3k tokens)
IMAGE_PULL_GB_PER_NODE_MONTH = 5.0   # UNSOURCED: container image pulls through NAT (no ECR endpoint)
SPA_FIRST_LOAD_KB = 1000         # docs/sizing-facts.md § CloudFront and SPA weight (UNSOURCED estimate 0.5-1.5 MB compressed)
SPA_REPEAT_LOAD_KB = 50          # docs/sizing-facts.md § CloudFront and SPA weight: 10-100 KB on repeat visits
SPA_FIRST_LOAD_SHARE = 0.3       # UNSOURCED: share of page loads with a cold cache
SPA_REQUESTS_FIRST = 30          # docs/sizing-facts.md § CloudFront and SPA weight [S48]: ~24 JS requests + html/css/fonts
SPA_REQUESTS_REPEAT = 3
CLOUDFRONT_ORIGIN_MISS_SHARE = 0.05   # UNSOURCED: hashed assets cache well
STATIC_ASSETS_GB = 1.0           # UNSOURCED: SPA builds kept with versioning
ALB_ACCESS_LOG_BYTES_PER_REQUEST = 400   # ALB access log line size, about
ALB_LOG_OBJECTS_PER_AZ_HOUR = 12  # ALB writes a log file every 5 minutes per node

# --- Observability (docs/sizing-facts.md § Observability prices and free tiers) ------------------------------------------------------------------
LOG_BYTES_PER_REQUEST = 1024     # UNSOURCED: structured JSON access + app log line
LOG_BYTES_PER_MESSAGE = 2048     # UNSOURCED: stream start/end, token counts, DB writes
NODE_LOG_GB_MONTH = 2.0          # UNSOURCED: kubelet/containerd/system logs per node
LOG_ARCHIVE_COMPRESSION = 0.15   # UNSOURCED: CloudWatch stores logs compressed (~6-7x for JSON)
APP_CUSTOM_METRICS = 30          # UNSOURCED: RED metrics, tokens, active users, cost per user (plan)
CONTAINER_INSIGHTS_METRICS_PER_NODE = 8    # UNSOURCED
CONTAINER_INSIGHTS_METRICS_PER_POD = 3     # UNSOURCED
#: The plan's alarms (seed plan, Monitoring stack), each deployed by the bundle's monitoring stack.
PLANNED_ALARMS = ("service down", "error rate", "DB unavailable", "latency", "CPU", "memory", "disk", "traffic")
#: The ones on the ALB's metrics: the AWS Load Balancer Controller makes the ALB after `cdk deploy`, so they are
#: created once `monitoring.alb_full_name` is set in the CDK config (docs/cdk.md), not on the first deploy.
ALB_ALARMS = ("error rate", "latency")
ALARMS = len(PLANNED_ALARMS)
DASHBOARDS = 3                   # plan lists executive, operations, developer, cost; cost is Cost Explorer
XRAY_SAMPLING_RATE = 0.05        # X-Ray default rule: 1 req/s reservoir + 5%
XRAY_RESERVOIR_PER_S = 1
SECRET_FETCHES_PER_POD_HOUR = 1  # UNSOURCED: fetched at start, refreshed hourly

# --- Compliance controls (docs/sizing-facts.md § Compliance controls per regime) -------------------------------------------------------------
HIPAA_CMKS = ("dynamodb", "s3", "ebs", "logs")   # docs/sizing-facts.md § Compliance controls per regime: KMS CMKs for DynamoDB, S3 and EBS (+ logs)
BASE_CMKS = ("secrets",)         # Secrets Manager envelope key in every environment
KMS_DATA_KEY_REFRESH_PER_HOUR = 12   # DynamoDB caches table keys ~5 min per connection (UNSOURCED rate)
WAF_RULES = 5                    # 4 AWS managed rule groups + 1 rate-based rule (docs/sizing-facts.md § Security service prices: about 5)
WAF_MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesAmazonIpReputationList")
CLOUDTRAIL_MGMT_EVENTS_BASE_MONTH = 50_000       # UNSOURCED: account baseline
CLOUDTRAIL_MGMT_EVENTS_PER_NODE_MONTH = 20_000   # UNSOURCED: node API calls (ENIs, STS, ECR)
FLOW_LOG_GB_PER_NODE_MONTH = 1.0                 # UNSOURCED: VPC flow + DNS logs analysed by GuardDuty
CONFIG_BASE_RESOURCES = 60                       # UNSOURCED: VPC, subnets, SGs, roles, tables, buckets...
CONFIG_ITEMS_PER_RESOURCE_MONTH = 4              # UNSOURCED: changes recorded per resource
SECURITY_HUB_CHECKS_PER_RESOURCE_MONTH = 30      # UNSOURCED
# CloudTrail audit bucket (docs/sizing-facts.md § CloudTrail log files [S164][S165])
CLOUDTRAIL_EVENT_GZIP_BYTES = 150                # UNSOURCED: ~1.5 KB JSON per data event, gzip about 10:1
CLOUDTRAIL_LOG_FILES_PER_HOUR = 12               # a log file about every 5 minutes per Region [S164]
CLOUDTRAIL_DIGEST_FILES_PER_HOUR = 1             # log file validation: one digest file per hour per Region [S165]
S3_BUCKETS = 3                                   # plan storage stack: static assets, logs, backups

# --- Tiers and purchase options ----------------------------------------------------------------
ELASTICACHE_SMALL_NODE = "cache.t3.medium"       # UNSOURCED choice for Small/Medium
ELASTICACHE_LARGE_NODE = "cache.r6g.large"       # UNSOURCED choice for Large/Enterprise
