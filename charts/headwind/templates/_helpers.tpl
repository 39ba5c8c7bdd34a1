{{/*
Labels on every object: the `part-of` label the kustomization adds, and Helm's own. The chart's
equality test against manifests/ ignores only Helm's (managed-by, instance, helm.sh/chart).
*/}}
{{- define "headwind.labels" -}}
app.kubernetes.io/part-of: headwind
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/*
A component's selector labels. Kept exactly as in manifests/ (never release-specific), so an install
made with kustomize can be adopted by Helm without recreating its Deployments.
*/}}
{{- define "headwind.selector" -}}
app.kubernetes.io/name: headwind
app.kubernetes.io/component: {{ . }}
{{- end }}

{{- define "headwind.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end }}

{{/* The pod and container security settings both Deployments run under (Pod Security `restricted`). */}}
{{- define "headwind.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
seccompProfile: { type: RuntimeDefault }
{{- end }}

{{- define "headwind.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities: { drop: [ALL] }
seccompProfile: { type: RuntimeDefault }
{{- end }}

{{/*
The environment both processes share. fieldRef is atomic: naming the apiVersion the server would
default keeps a later server-side apply from conflicting with an earlier client-side apply.
*/}}
{{- define "headwind.podEnv" -}}
- name: HEADWIND_NAMESPACE
  valueFrom: { fieldRef: { apiVersion: v1, fieldPath: metadata.namespace } }
- name: POD_NAME
  valueFrom: { fieldRef: { apiVersion: v1, fieldPath: metadata.name } }
{{- end }}

{{/* A name → value map as an env list (Go templates range over maps in key order). */}}
{{- define "headwind.envList" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{- define "headwind.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}
