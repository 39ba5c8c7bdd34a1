/**
 * The repository's own DecoratorControllers (hooks/*.yaml) as a test's Metacontroller runs them:
 * unchanged except that each webhook's cluster-DNS `service` becomes a loopback `url` (no cluster
 * DNS here), and the instance label its --target-label-selector picks. A webhook credential the
 * YAML references (`webhook.authorization.secretRef`) is created as a Secret with a fresh value.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import type { KubeConfig } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { applyObjects, kubeRequest, statusCode } from "./cluster.ts";
import { instanceLabel } from "./metacontroller.ts";

interface SecretRef {
  name: string;
  namespace: string;
  key?: string;
}

interface Webhook {
  url?: string;
  service?: unknown;
  path?: string;
  authorization?: { type?: string; secretRef?: SecretRef };
  [field: string]: unknown;
}

export interface DecoratorController {
  apiVersion: "metacontroller.k8s.io/v1alpha1";
  kind: "DecoratorController";
  metadata: { name: string; labels?: Record<string, string>; [field: string]: unknown };
  spec: {
    hooks: Record<string, { version?: string; webhook?: Webhook }>;
    [field: string]: unknown;
  };
}

/**
 * hooks/*.yaml of this repository (kustomization.yaml aside), sorted by file name, and those of the
 * optional folders named (`flux`: hooks/flux, installed by manifests/components/flux).
 */
export async function loadRepositoryControllers(
  optional: readonly string[] = [],
): Promise<DecoratorController[]> {
  const out: DecoratorController[] = [];
  for (const folder of ["", ...optional]) out.push(...(await loadFolder(folder)));
  return out;
}

async function loadFolder(folder: string): Promise<DecoratorController[]> {
  const dir = new URL(`../../hooks/${folder ? `${folder}/` : ""}`, import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml").sort();
  const out: DecoratorController[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(new URL(file, dir), "utf8"))) {
      if (doc.errors.length > 0) throw new Error(`hooks/${folder}${file}: ${doc.errors[0]?.message}`);
      const value = doc.toJS() as DecoratorController | null;
      if (value?.kind === "DecoratorController") out.push(value);
    }
  }
  return out;
}

export interface ControllerOptions {
  /** Replaces the sync hooks' `timeout` (a test of slow effects wants a short one). */
  readonly syncTimeout?: string;
  /** Optional controller folders under hooks/ to run too (`flux`). */
  readonly optional?: readonly string[];
}

/** The controller with every `service` + `path` webhook pointing at `<hookBaseUrl><path>`. */
export function toLoopback(
  dc: DecoratorController,
  hookBaseUrl: string,
  instance: string,
  options: ControllerOptions = {},
): DecoratorController {
  const hooks = Object.fromEntries(
    Object.entries(dc.spec.hooks).map(([name, hook]) => {
      const { service, path, ...webhook } = hook.webhook ?? {};
      if (webhook.url === undefined && (service === undefined || path === undefined))
        throw new Error(`${dc.metadata.name} hook ${name}: webhook needs url, or service and path`);
      const timeout = name === "sync" && options.syncTimeout ? { timeout: options.syncTimeout } : {};
      return [
        name,
        { ...hook, webhook: { ...webhook, url: webhook.url ?? `${hookBaseUrl}${path}`, ...timeout } },
      ];
    }),
  );
  return {
    ...dc,
    metadata: { ...dc.metadata, labels: { ...dc.metadata.labels, [instanceLabel]: instance } },
    spec: { ...dc.spec, hooks },
  };
}

function credentialRefs(controllers: readonly DecoratorController[]): SecretRef[] {
  const refs = controllers.flatMap((dc) =>
    Object.values(dc.spec.hooks).flatMap((hook) => {
      const ref = hook.webhook?.authorization?.secretRef;
      return ref === undefined ? [] : [ref];
    }),
  );
  return [...new Map(refs.map((r) => [`${r.namespace}/${r.name}/${r.key ?? ""}`, r])).values()];
}

export interface InstalledControllers {
  readonly controllers: DecoratorController[];
  /** The value written into each referenced credential Secret (one for all), if any is referenced. */
  readonly credential: string | undefined;
}

/**
 * Replaces the live controllers with these (a fresh object, so an earlier test file's webhook
 * address or fields never linger), after creating the credential Secrets they reference.
 */
export async function installControllers(
  kc: KubeConfig,
  hookBaseUrl: string,
  instance: string,
  options: ControllerOptions = {},
): Promise<InstalledControllers> {
  const controllers = (await loadRepositoryControllers(options.optional)).map((dc) =>
    toLoopback(dc, hookBaseUrl, instance, options),
  );
  const refs = credentialRefs(controllers);
  const credential = refs.length > 0 ? randomBytes(32).toString("hex") : undefined;
  for (const ref of refs) {
    await applyObjects(kc, [
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: ref.name, namespace: ref.namespace },
        stringData: { [ref.key ?? "token"]: credential },
      } as never,
    ]);
  }
  const path = "/apis/metacontroller.k8s.io/v1alpha1/decoratorcontrollers";
  for (const dc of controllers) {
    try {
      await kubeRequest(kc, "DELETE", `${path}/${dc.metadata.name}`);
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
    await kubeRequest(kc, "POST", path, dc);
  }
  return { controllers, credential };
}
