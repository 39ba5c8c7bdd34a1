/**
 * Headwind's objects on the test apiserver and what people and Kubernetes do to them: workloads of
 * every managed kind, the tag ConfigMaps the sidecar would write, a person's kubectl approval, the
 * deployment controller's status report (no controller-manager runs here), someone else's image edit.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { parseImageRef, repositoryKey } from "../../src/core/images/image-ref.ts";
import { buildTagConfigMap } from "../../src/core/tags/tag-configmap.ts";
import { applyObjects, kubeRequest } from "./cluster.ts";
import { headwindNamespace } from "./headwind-install.ts";

export interface WorkloadOptions {
  readonly kind?: "Deployment" | "StatefulSet" | "DaemonSet" | "CronJob";
  readonly annotations?: Record<string, string>;
  readonly initImage?: string;
  readonly replicas?: number;
}

function podTemplate(name: string, image: string, initImage: string | undefined) {
  return {
    metadata: { labels: { app: name } },
    spec: {
      ...(initImage ? { initContainers: [{ name: "init", image: initImage }] } : {}),
      containers: [{ name: "app", image }],
    },
  };
}

/** A minimal valid workload of any managed kind, with container `app` (and init container `init`). */
export function workload(name: string, image: string, options: WorkloadOptions = {}): KubernetesObject {
  const kind = options.kind ?? "Deployment";
  const metadata = { name, annotations: options.annotations ?? {} };
  const template = podTemplate(name, image, options.initImage);
  const selector = { matchLabels: { app: name } };
  switch (kind) {
    case "CronJob":
      return {
        apiVersion: "batch/v1",
        kind,
        metadata,
        spec: {
          schedule: "0 3 * * *",
          jobTemplate: {
            spec: { template: { ...template, spec: { ...template.spec, restartPolicy: "Never" } } },
          },
        },
      } as KubernetesObject;
    case "StatefulSet":
      return {
        apiVersion: "apps/v1",
        kind,
        metadata,
        spec: { replicas: options.replicas ?? 1, serviceName: name, selector, template },
      } as KubernetesObject;
    case "DaemonSet":
      return { apiVersion: "apps/v1", kind, metadata, spec: { selector, template } } as KubernetesObject;
    default:
      return {
        apiVersion: "apps/v1",
        kind,
        metadata,
        spec: { replicas: options.replicas ?? 1, selector, template },
      } as KubernetesObject;
  }
}

/** The tag ConfigMap the sidecar would write for the image's repository, applied in `headwind`. */
export async function publishTags(kc: KubeConfig, image: string, tags: readonly string[]): Promise<string> {
  const ref = parseImageRef(image);
  if (ref === undefined) throw new Error(`not an image reference: ${image}`);
  const configMap = buildTagConfigMap(
    { repository: repositoryKey(ref), tags, digests: {} },
    headwindNamespace,
  );
  await applyObjects(kc, [configMap as unknown as KubernetesObject]);
  return configMap.metadata.name;
}

export async function deleteTags(kc: KubeConfig, name: string): Promise<void> {
  await kubeRequest(kc, "DELETE", `/api/v1/namespaces/${headwindNamespace}/configmaps/${name}`);
}

const execFileAsync = promisify(execFile);

/**
 * Exactly what a person types: kubectl patch … --subresource=status --type=merge -p '{"status":…}'.
 * Resolves the resourceVersion the patch produced.
 */
export async function kubectlPatchStatus(
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<string> {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error("KUBECONFIG is not set");
  const { stdout } = await execFileAsync("/usr/bin/kubectl", [
    "--kubeconfig",
    kubeconfig,
    "patch",
    "updaterequest",
    name,
    "-n",
    namespace,
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify({ status }),
    "-o",
    "jsonpath={.metadata.resourceVersion}",
  ]);
  return stdout.trim();
}

/** The same status merge patch over HTTP (what the approval API or a script does); its resourceVersion. */
export async function httpPatchStatus(
  kc: KubeConfig,
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<string> {
  const patched = (await kubeRequest(
    kc,
    "PATCH",
    `/apis/headwind.sh/v1alpha1/namespaces/${namespace}/updaterequests/${name}/status`,
    { status },
    "application/merge-patch+json",
  )) as { metadata: { resourceVersion: string } };
  return patched.metadata.resourceVersion;
}

export interface UpdateRequestObject {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    generation?: number;
    creationTimestamp?: string;
    ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown> & { newImage: string; currentImage: string; supersededBy?: string };
  status?: Record<string, unknown> & { phase?: string; message?: string };
}

export async function listUpdateRequests(kc: KubeConfig, namespace: string): Promise<UpdateRequestObject[]> {
  const list = (await kubeRequest(
    kc,
    "GET",
    `/apis/headwind.sh/v1alpha1/namespaces/${namespace}/updaterequests`,
  )) as {
    items: UpdateRequestObject[];
  };
  return list.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

export async function readWorkload(kc: KubeConfig, namespace: string, name: string, kind = "Deployment") {
  const path =
    kind === "CronJob"
      ? `/apis/batch/v1/namespaces/${namespace}/cronjobs/${name}`
      : `/apis/apps/v1/namespaces/${namespace}/${kind.toLowerCase()}s/${name}`;
  return (await kubeRequest(kc, "GET", path)) as {
    metadata: { uid: string; generation: number; annotations?: Record<string, string> };
    spec: { template: { spec: { containers: { name: string; image: string }[] } } };
  };
}

export async function imageOf(kc: KubeConfig, namespace: string, name: string): Promise<string | undefined> {
  return (await readWorkload(kc, namespace, name)).spec.template.spec.containers[0]?.image;
}

/** What the deployment controller would report once the rollout of the current generation is done. */
export async function reportRolloutDone(kc: KubeConfig, namespace: string, name: string, replicas = 1) {
  const { metadata } = await readWorkload(kc, namespace, name);
  await patchDeploymentStatus(kc, namespace, name, {
    observedGeneration: metadata.generation,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [{ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }],
  });
}

export async function patchDeploymentStatus(
  kc: KubeConfig,
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  await kubeRequest(
    kc,
    "PATCH",
    `/apis/apps/v1/namespaces/${namespace}/deployments/${name}/status`,
    { status },
    "application/merge-patch+json",
  );
}

/** Someone else's edit of the container image (kubectl set image). */
export async function setImage(
  kc: KubeConfig,
  namespace: string,
  name: string,
  image: string,
): Promise<void> {
  await kubeRequest(
    kc,
    "PATCH",
    `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`,
    { spec: { template: { spec: { containers: [{ name: "app", image }] } } } },
    "application/strategic-merge-patch+json",
  );
}

export interface EventObject {
  reason: string;
  type: string;
  note?: string;
  reportingController?: string;
  regarding: { kind: string; name: string; uid?: string };
}

/** Headwind's Events (events.k8s.io/v1) in the namespace, oldest first. */
export async function headwindEvents(kc: KubeConfig, namespace: string): Promise<EventObject[]> {
  const list = (await kubeRequest(kc, "GET", `/apis/events.k8s.io/v1/namespaces/${namespace}/events`)) as {
    items: (EventObject & { eventTime?: string; metadata: { creationTimestamp: string; name: string } })[];
  };
  return list.items
    .filter((e) => e.reportingController === "headwind.sh/hooks")
    .sort(
      (a, b) =>
        (a.eventTime ?? "").localeCompare(b.eventTime ?? "") ||
        a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
}
