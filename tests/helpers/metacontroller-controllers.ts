/**
 * DecoratorController objects (metacontroller.md §1.2, §1.3) as the driver uses them: read from
 * hooks/*.yaml (YAML merge keys `<<: *anchor` resolved, as kubectl's YAML 1.1 parser does), and the
 * URL each hook is called at. Only the fields the driver acts on are typed.
 */
import { readdir, readFile } from "node:fs/promises";
import { parseAllDocuments } from "yaml";
import type { JsonObject } from "./metacontroller-apply.ts";
import type { AnnotationSelector, LabelSelector } from "./metacontroller-selectors.ts";

export interface HookSpec {
  version?: "v1" | "v2";
  webhook?: {
    url?: string;
    service?: { name: string; namespace: string; port?: number; protocol?: string };
    path?: string;
    timeout?: string;
    responseUnMarshallMode?: "loose" | "strict";
  };
}

export interface DecoratorResource {
  apiVersion: string;
  resource: string;
  labelSelector?: LabelSelector;
  annotationSelector?: AnnotationSelector;
  ignoreStatusChanges?: boolean;
}

export interface DecoratorAttachment {
  apiVersion: string;
  resource: string;
  updateStrategy?: { method?: string };
}

export interface DecoratorController {
  apiVersion: "metacontroller.k8s.io/v1alpha1";
  kind: "DecoratorController";
  metadata: { name: string; uid?: string; [key: string]: unknown };
  spec: {
    resources: DecoratorResource[];
    attachments?: DecoratorAttachment[];
    resyncPeriodSeconds?: number;
    hooks: { sync?: HookSpec; finalize?: HookSpec; customize?: HookSpec };
  };
}

export type HookName = "sync" | "finalize" | "customize";

/** Every DecoratorController in the given YAML files (a directory means its *.yaml files, sorted). */
export async function loadDecoratorControllers(
  paths: readonly (string | URL)[],
): Promise<DecoratorController[]> {
  const out: DecoratorController[] = [];
  for (const path of paths) {
    const text = await readFile(path, "utf8");
    for (const doc of parseAllDocuments(text, { merge: true })) {
      if (doc.errors.length > 0) throw new Error(`${String(path)}: ${doc.errors[0]?.message}`);
      const value = doc.toJS() as JsonObject | null;
      if (value?.kind === "DecoratorController") out.push(value as unknown as DecoratorController);
    }
  }
  return out;
}

/** hooks/*.yaml of this repository, sorted by file name. */
export async function loadRepositoryControllers(): Promise<DecoratorController[]> {
  const dir = new URL("../../hooks/", import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml").sort();
  return loadDecoratorControllers(files.map((f) => new URL(f, dir)));
}

/**
 * Where a hook is called (§1.3): `webhook.url` wins; otherwise `service` + `path`, which the driver
 * rewrites to `<hookBaseUrl><path>` because cluster DNS does not exist here.
 */
export function hookUrl(hook: HookSpec, hookBaseUrl: string): string {
  const webhook = hook.webhook;
  if (webhook?.url) return webhook.url;
  if (!webhook?.service || !webhook.path) throw new Error("webhook needs url, or service and path");
  return `${hookBaseUrl.replace(/\/+$/, "")}${webhook.path}`;
}

/** v2 hooks decode strictly unless told otherwise; v1 loosely (§1.3, §2.8). */
export function isStrict(hook: HookSpec): boolean {
  const mode = hook.webhook?.responseUnMarshallMode;
  if (mode !== undefined) return mode === "strict";
  return hook.version === "v2";
}
