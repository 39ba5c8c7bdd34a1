/**
 * Parses hook request bodies at the boundary. Unknown fields are ignored; a missing or mistyped
 * field we rely on is an error, so the server answers 400 instead of computing a partial answer.
 */

import { isRecord } from "../../core/json/narrow-json.ts";
import type { KubeObject } from "../../core/kube-object.ts";
import type { Result } from "../../core/result.ts";
import type { CustomizeRequest, DecoratorSyncRequest, ObjectMap } from "./wire.ts";

export type Parsed<T> = Result<T>;

function checkObject(value: unknown, where: string): string | undefined {
  if (!isRecord(value)) return `${where} is not an object`;
  if (typeof value.apiVersion !== "string" || typeof value.kind !== "string")
    return `${where} has no apiVersion/kind`;
  if (!isRecord(value.metadata) || typeof value.metadata.name !== "string")
    return `${where} has no metadata.name`;
  return undefined;
}

function checkMap(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) return `${where} is not an object`;
  for (const [group, members] of Object.entries(value)) {
    if (members === null) continue;
    if (!isRecord(members)) return `${where}.${group} is not an object`;
    for (const [key, member] of Object.entries(members)) {
      const problem = checkObject(member, `${where}.${group}[${key}]`);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function mapOf(value: unknown): ObjectMap {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([group, members]) => [group, (members ?? {}) as Record<string, KubeObject>]),
  );
}

export function parseDecoratorSyncRequest(body: unknown): Parsed<DecoratorSyncRequest> {
  if (!isRecord(body)) return { ok: false, error: "request body is not a JSON object" };
  const problem =
    checkObject(body.object, "object") ??
    checkMap(body.attachments, "attachments") ??
    checkMap(body.related, "related") ??
    (body.finalizing !== undefined && typeof body.finalizing !== "boolean"
      ? "finalizing is not a boolean"
      : undefined);
  if (problem !== undefined) return { ok: false, error: problem };
  return {
    ok: true,
    value: {
      object: body.object as KubeObject,
      attachments: mapOf(body.attachments),
      related: mapOf(body.related),
      finalizing: body.finalizing === true,
    },
  };
}

export function parseCustomizeRequest(body: unknown): Parsed<CustomizeRequest> {
  if (!isRecord(body)) return { ok: false, error: "request body is not a JSON object" };
  const problem = checkObject(body.parent, "parent");
  return problem === undefined
    ? { ok: true, value: { parent: body.parent as KubeObject } }
    : { ok: false, error: problem };
}
