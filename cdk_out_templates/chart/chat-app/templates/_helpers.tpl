{{/*
Expand the name of the chart.
*/}}
{{- define "chat-app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name, truncated to leave room for a "-frontend" suffix.
If the release name contains the chart name it is used as is.
*/}}
{{- define "chat-app.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 53 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 53 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 53 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version as used by the chart label.
*/}}
{{- define "chat-app.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels. Call with the root context.
*/}}
{{- define "chat-app.labels" -}}
helm.sh/chart: {{ include "chat-app.chart" . }}
app.kubernetes.io/name: {{ include "chat-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ .Values.global.project }}
environment: {{ .Values.global.environment }}
{{- end }}

{{/*
Selector labels of one component. Call with (dict "root" $ "component" "backend").
*/}}
{{- define "chat-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chat-app.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Common labels plus the component label. Call with (dict "root" $ "component" "backend").
*/}}
{{- define "chat-app.componentLabels" -}}
{{ include "chat-app.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Name of a component's objects, e.g. "<fullname>-backend".
*/}}
{{- define "chat-app.componentName" -}}
{{- printf "%s-%s" (include "chat-app.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
ServiceAccount the backend pods run as.
*/}}
{{- define "chat-app.serviceAccountName" -}}
{{- .Values.serviceAccount.name }}
{{- end }}

{{/*
Image reference "<repository>:<tag>", the tag defaulting to appVersion.
Call with (dict "root" $ "image" .Values.backend.image).
*/}}
{{- define "chat-app.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) }}
{{- end }}

{{/*
The lowest replica count a component runs with: the HPA minimum when
autoscaling, otherwise replicaCount.
*/}}
{{- define "chat-app.minReplicas" -}}
{{- if .autoscaling.enabled }}{{ int .autoscaling.minReplicas }}{{ else }}{{ int .replicaCount }}{{ end }}
{{- end }}

{{/*
Keys the chart itself sets in the backend ConfigMap; env must not repeat them.
*/}}
{{- define "chat-app.reservedBackendKeys" -}}
AWS_REGION ENVIRONMENT PROJECT DYNAMODB_USERS_TABLE DYNAMODB_CHATS_TABLE LLM_MODEL_ID HTTP_KEEPALIVE_TIMEOUT_SECONDS
{{- end }}

{{- define "chat-app.reservedFrontendKeys" -}}
AWS_REGION ENVIRONMENT PROJECT
{{- end }}

{{/*
Cross-field checks the JSON schema cannot express. Rendered (empty) by every
workload template so that a bad combination fails the whole render.
*/}}
{{- define "chat-app.validate" -}}
{{- range $component := list "backend" "frontend" }}
{{- $c := index $.Values $component }}
{{- if gt (int $c.autoscaling.minReplicas) (int $c.autoscaling.maxReplicas) }}
{{- fail (printf "%s.autoscaling.minReplicas (%d) must be <= %s.autoscaling.maxReplicas (%d)" $component (int $c.autoscaling.minReplicas) $component (int $c.autoscaling.maxReplicas)) }}
{{- end }}
{{- if and $c.externalSecret.enabled (not $c.existingSecret) }}
{{- fail (printf "%s.externalSecret.enabled requires %s.existingSecret (the Secret name it creates)" $component $component) }}
{{- end }}
{{- if and $c.externalSecret.enabled (not $c.externalSecret.remoteSecretName) }}
{{- fail (printf "%s.externalSecret.enabled requires %s.externalSecret.remoteSecretName (the AWS Secrets Manager secret)" $component $component) }}
{{- end }}
{{- if and (gt (int $c.preStopSleepSeconds) 0) (ge (int $c.preStopSleepSeconds) (int $c.terminationGracePeriodSeconds)) }}
{{- fail (printf "%s.preStopSleepSeconds (%d) must be < %s.terminationGracePeriodSeconds (%d)" $component (int $c.preStopSleepSeconds) $component (int $c.terminationGracePeriodSeconds)) }}
{{- end }}
{{- $reserved := splitList " " (include (printf "chat-app.reserved%sKeys" (title $component)) $) }}
{{- range $key, $_ := $c.env }}
{{- if has $key $reserved }}
{{- fail (printf "%s.env.%s is set by the chart; allowed: any name except %s" $component $key (join ", " $reserved)) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.ingress.enabled (eq .Values.global.environment "prod") (not .Values.ingress.certificateArn) (not .Values.ingress.host) }}
{{- fail "ingress.certificateArn (or ingress.host for certificate discovery) is required when global.environment is prod: the ALB must serve HTTPS" }}
{{- end }}
{{- end }}

{{/*
True ("true") when the Ingress gets an HTTPS listener.
*/}}
{{- define "chat-app.ingressHttps" -}}
{{- if or .Values.ingress.certificateArn .Values.ingress.host }}true{{ end }}
{{- end }}

{{/*
ConfigMap data of one component (also hashed into the pod template so a
config change rolls the pods). Values are JSON-quoted: any string, including
quotes, newlines or "{{ }}", stays a literal YAML string.
Call with (dict "root" $ "component" "backend").
*/}}
{{- define "chat-app.configData" -}}
{{- $v := .root.Values }}
{{- $c := index $v .component }}
AWS_REGION: {{ $v.global.region | toJson }}
ENVIRONMENT: {{ $v.global.environment | toJson }}
PROJECT: {{ $v.global.project | toJson }}
{{- if eq .component "backend" }}
DYNAMODB_USERS_TABLE: {{ $v.config.dynamodbUsersTable | toJson }}
DYNAMODB_CHATS_TABLE: {{ $v.config.dynamodbChatsTable | toJson }}
LLM_MODEL_ID: {{ $v.config.llmModelId | toJson }}
HTTP_KEEPALIVE_TIMEOUT_SECONDS: {{ add (int $v.ingress.idleTimeoutSeconds) 5 | toString | toJson }}
{{- end }}
{{- range $key, $value := $c.env }}
{{ $key }}: {{ $value | toJson }}
{{- end }}
{{- end }}
