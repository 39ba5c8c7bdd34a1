/**
 * A test driver that plays Metacontroller v4.17 for DecoratorControllers with `version: v2` hooks,
 * against a real apiserver, following /work/shared/reference/metacontroller.md (section numbers
 * below) and the upstream decorator controller it describes. Real Metacontroller cannot be built
 * here (tracker issue 3); this is its contract, not its code.
 *
 * One pass (`reconcileOnce`) walks every controller, then every parent type, then every matching
 * parent (sorted, sequential, deterministic). For each parent it observes what Metacontroller's
 * informers would hold — customize rules (cached per uid+generation), related objects, owned
 * attachments — and syncs the parent:
 *   - trigger "always": every matching parent, every pass;
 *   - trigger "changes" (watch emulation): only when something Metacontroller watches changed
 *     since the parent's last sync (the parent — with `ignoreStatusChanges` only its generation,
 *     labels and annotations —, an attachment, a related object), when a `resyncAfterSeconds` or
 *     `resyncPeriodSeconds` is due, or when the last attempt failed. `settle()` then runs passes
 *     until nothing is left to sync, and fails on a hot loop.
 * Time (resyncs, customize cache expiry) comes from the injected `now`, so a test that moves the
 * hooks' clock moves the driver's with it.
 *
 * Followed as upstream does it: selection by labelSelector AND annotationSelector (§1.2); customize
 * `{controller, parent}` cached per (uid, generation) for 20 min and the §3 rule kinds (names,
 * namespace, labelSelector, namespace+labelSelector, namespaceSelector; v2: any namespace);
 * attachments = controller ownerRef to the parent's uid + the decorator annotation, one (possibly
 * empty) group per declared type (§1.2, §2.3); sync `{controller, object, attachments, related,
 * finalizing: false}`, 200 + JSON only, 429 + Retry-After, strict v2 decoding (§2.1, §2.8); then
 * labels/annotations/status on the copy read at the start, status PUT to /status with its
 * resourceVersion, then a PUT of the object, 409/404 swallowed and the sync ended (§2.4, §4.4);
 * then attachments: delete the omitted (Background, uid precondition), create the new
 * (last-applied, controller ownerRef, AlreadyExists swallowed), three-way-merge the existing and
 * write them only for InPlace/RollingInPlace (delete for Recreate), never their status (§4.1).
 *
 * Approximated or left out: reads are live LISTs, not an informer cache (staleness shows up only
 * through the 409 path); parents are synced one at a time (upstream: 5 workers, never the same
 * parent twice at once); a failed sync is retried on the next pass instead of after exponential
 * backoff, and no `SyncError` Event is recorded; duplicate JSON keys are not detected; finalize
 * hooks, finalizers and v1 hooks are refused at construction (Headwind declares none); the
 * customize cache and resync timers live in this process, like upstream's.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { KubeConfig } from "@kubernetes/client-node";
import { createKubeApi, type KubeApi, type ResourceInfo, statusCode } from "./metacontroller-api.ts";
import {
  annotationsOf,
  applyUpdate,
  canonicalJson,
  clone,
  decoratorAnnotation,
  deepEqual,
  isObject,
  type JsonObject,
  prepareCreate,
  setAnnotation,
} from "./metacontroller-apply.ts";
import {
  type DecoratorController,
  type DecoratorResource,
  type HookName,
  type HookSpec,
  hookUrl,
  isStrict,
} from "./metacontroller-controllers.ts";
import {
  annotationSelectorMatches,
  labelSelectorMatches,
  selectorQuery,
} from "./metacontroller-selectors.ts";
import {
  type DecoratorResponse,
  groupKey,
  insert,
  type ObjectMap,
  objectKey,
  parseCustomizeResponse,
  parseDecoratorResponse,
  parseGoDuration,
  type RelatedRule,
} from "./metacontroller-wire.ts";

export type { DecoratorController } from "./metacontroller-controllers.ts";
export { loadDecoratorControllers, loadRepositoryControllers } from "./metacontroller-controllers.ts";

export interface DriverLog {
  debug(entry: Record<string, unknown>, message: string): void;
}

export interface DriverOptions {
  readonly kubeConfig: KubeConfig;
  readonly controllers: readonly DecoratorController[];
  /** Where `service`+`path` webhooks are sent: `<hookBaseUrl><path>`. */
  readonly hookBaseUrl?: string;
  /** Sends the hook requests (default: global fetch); e.g. a Hono app's `fetch` to skip the network. */
  readonly fetch?: (request: Request) => Response | Promise<Response>;
  readonly log?: DriverLog;
  /** "always" (default): every matching parent each pass; "changes": only what a watch would wake. */
  readonly trigger?: "always" | "changes";
  /** Milliseconds since the epoch; resyncs and the customize cache age by it. Default Date.now. */
  readonly now?: () => number;
  /**
   * Test isolation, not a Metacontroller feature: only parents in these namespaces are synced
   * (cluster-scoped parents always are). Attachments and related objects are never filtered.
   */
  readonly namespaces?: readonly string[];
  /**
   * NOT Metacontroller: parent writes re-read the live resourceVersion just before the PUT, so the
   * copy read at the start of the sync always wins (last write wins, never a 409). Only for
   * negative controls that prove a race test can fail.
   */
  readonly unsafeUnconditionalParentWrites?: boolean;
}

export type SyncReason = "always" | "new" | "changed" | "resync" | "retry";

export interface SyncRecord {
  readonly controller: string;
  /** `Kind namespace/name` */
  readonly parent: string;
  readonly reason: SyncReason;
  /** ok; conflict (a 409 on the parent write was swallowed, attachments untouched); gone (404); error. */
  result: "ok" | "conflict" | "gone" | "error";
  error?: string;
  /** The status written through the API, when one was. */
  statusWritten?: JsonObject;
  metadataWritten: boolean;
  readonly created: string[];
  readonly updated: string[];
  readonly deleted: string[];
  resyncAfterSeconds?: number;
}

export interface PassReport {
  readonly synced: SyncRecord[];
  readonly errors: SyncRecord[];
  /** Matching parents left alone because nothing they watch changed ("changes" trigger). */
  skipped: number;
  /** 409s swallowed during this pass (parent status, parent update, attachment update). */
  conflicts: number;
  /** Successful writes (parent status/update, attachment create/update/delete). */
  writes: number;
  durationMs: number;
}

export interface DriverStats {
  passes: number;
  syncs: number;
  hookCalls: Record<HookName, number>;
  conflicts: { parentStatus: number; parentUpdate: number; attachmentUpdate: number };
  alreadyExists: number;
  errors: number;
}

export interface MetacontrollerDriver {
  reconcileOnce(): Promise<PassReport>;
  /** "changes" trigger: passes until one syncs nothing; throws after `maxPasses` (a hot loop). */
  settle(options?: { maxPasses?: number }): Promise<PassReport[]>;
  run(options: { intervalMs: number; signal: AbortSignal }): Promise<void>;
  /** Seconds until the earliest requested `resyncAfterSeconds` is due (0 when overdue), if any. */
  nextResyncSeconds(): number | undefined;
  readonly stats: DriverStats;
}

interface ParentState {
  fingerprint?: string;
  retry: boolean;
  resyncDue: number[];
  lastSyncAt?: number;
}

interface Observed {
  readonly attachments: ObjectMap;
  readonly related: ObjectMap;
  readonly fingerprint: string;
}

class HookCallError extends Error {
  override readonly name = "HookCallError";
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, retryAfterSeconds?: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const customizeTtlMs = 20 * 60 * 1000; // §3: cached per (uid, generation) for 20 minutes
const metaOf = (o: JsonObject): JsonObject => (isObject(o.metadata) ? o.metadata : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const describe = (o: JsonObject): string => `${String(o.kind)} ${objectKey(o)}`;

function retryAfterOf(header: string | null, nowMs: number): number {
  if (!header) return 0;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

function validateControllers(controllers: readonly DecoratorController[]): void {
  for (const dc of controllers) {
    const hooks = dc.spec?.hooks ?? {};
    if (!hooks.sync) throw new Error(`${dc.metadata.name}: no sync hook`);
    // Headwind declares neither finalize hooks nor v1 hooks; the driver refuses what it does not emulate.
    if (hooks.finalize) throw new Error(`${dc.metadata.name}: finalize hooks are not emulated`);
    for (const hook of [hooks.sync, hooks.customize]) {
      if (hook && hook.version !== "v2")
        throw new Error(`${dc.metadata.name}: only version v2 hooks are emulated`);
    }
  }
}

/** What a parent's informer event filter lets through (§1.1 ignoreStatusChanges). */
function parentFingerprint(resource: DecoratorResource, parent: JsonObject): string {
  const meta = metaOf(parent);
  if (!resource.ignoreStatusChanges) return String(meta.resourceVersion);
  return canonicalJson([
    meta.generation,
    meta.labels ?? {},
    meta.annotations ?? {},
    meta.deletionTimestamp ?? null,
  ]);
}

function mapFingerprint(map: ObjectMap): string[] {
  const out: string[] = [];
  for (const [group, members] of Object.entries(map)) {
    for (const [key, object] of Object.entries(members))
      out.push(`${group}|${key}|${metaOf(object).resourceVersion}`);
  }
  return out.sort();
}

/** labels/annotations: a string sets, null deletes, other keys stay (§2.4). */
function updateStringMap(target: Record<string, string>, updates: Record<string, string | null>): boolean {
  let changed = false;
  for (const [key, value] of Object.entries(updates)) {
    if (value === null) {
      if (Object.hasOwn(target, key)) {
        delete target[key];
        changed = true;
      }
    } else if (target[key] !== value) {
      target[key] = value;
      changed = true;
    }
  }
  return changed;
}

interface ParentPlan {
  readonly updated: JsonObject;
  readonly status: JsonObject | null;
  readonly statusChanged: boolean;
  readonly metadataChanged: boolean;
}

/** The parent as the decorator would write it, or undefined when nothing changes (§2.4). */
function planParentUpdate(parent: JsonObject, answer: DecoratorResponse): ParentPlan | undefined {
  const updated = clone(parent);
  const meta = metaOf(updated);
  const labels = { ...((meta.labels as Record<string, string>) ?? {}) };
  const annotations = { ...((meta.annotations as Record<string, string>) ?? {}) };
  const labelsChanged = updateStringMap(labels, answer.labels);
  const annotationsChanged = updateStringMap(annotations, answer.annotations);
  // A null (or absent) status leaves it unchanged; anything else replaces it whole.
  const status = answer.status ?? (isObject(parent.status) ? parent.status : null);
  const statusChanged = !deepEqual(parent.status ?? null, status);
  if (!labelsChanged && !annotationsChanged && !statusChanged) return undefined;
  meta.labels = labels;
  meta.annotations = annotations;
  if (status === null) delete updated.status;
  else updated.status = status;
  return { updated, status, statusChanged, metadataChanged: labelsChanged || annotationsChanged };
}

/** Desired attachments keyed like observed ones; namespace defaulted, decorator annotation stamped (§2.4). */
function desiredMap(controller: string, parent: JsonObject, wanted: readonly JsonObject[]): ObjectMap {
  const desired: ObjectMap = {};
  const parentNamespace = str(metaOf(parent).namespace);
  for (const original of wanted) {
    const object = clone(original);
    const meta = metaOf(object);
    object.metadata = meta;
    if (!str(meta.namespace) && parentNamespace) meta.namespace = parentNamespace;
    setAnnotation(object, decoratorAnnotation, controller);
    insert(desired, groupKey(String(object.kind), String(object.apiVersion)), object);
  }
  return desired;
}

function emptyRecord(controller: string, parent: JsonObject, reason: SyncReason): SyncRecord {
  return {
    controller,
    parent: describe(parent),
    reason,
    result: "ok",
    metadataWritten: false,
    created: [],
    updated: [],
    deleted: [],
  };
}

export function createMetacontrollerDriver(options: DriverOptions): MetacontrollerDriver {
  validateControllers(options.controllers);
  const api: KubeApi = createKubeApi(options.kubeConfig);
  const now = options.now ?? Date.now;
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const trigger = options.trigger ?? "always";
  const baseUrl = options.hookBaseUrl ?? "http://headwind-hooks.invalid";
  const states = new Map<string, ParentState>();
  const customizeCache = new Map<string, { rules: RelatedRule[]; at: number }>();
  const stats: DriverStats = {
    passes: 0,
    syncs: 0,
    hookCalls: { sync: 0, finalize: 0, customize: 0 },
    conflicts: { parentStatus: 0, parentUpdate: 0, attachmentUpdate: 0 },
    alreadyExists: 0,
    errors: 0,
  };
  let pass: PassReport;
  let queue: Promise<unknown> = Promise.resolve();

  /** §2.1: one POST per parent, JSON, 200 only; 429 requeues after Retry-After; §2.8 strict decoding. */
  async function callHook(dc: DecoratorController, name: HookName, hook: HookSpec, body: unknown) {
    const url = hookUrl(hook, baseUrl);
    const timeoutMs = parseGoDuration(hook.webhook?.timeout) || 10_000;
    const started = Date.now();
    stats.hookCalls[name]++;
    const response = await send(
      new Request(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      }),
    );
    const text = await response.text();
    options.log?.debug(
      { controller: dc.metadata.name, hook: name, url, status: response.status, ms: Date.now() - started },
      "metacontroller hook call",
    );
    if (response.status === 429)
      throw new HookCallError(
        `${name} hook throttled`,
        retryAfterOf(response.headers.get("retry-after"), now()),
      );
    if (response.status !== 200)
      throw new HookCallError(`${name} hook failed: HTTP ${response.status}: ${text}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HookCallError(`${name} hook answered with invalid JSON: ${text.slice(0, 200)}`);
    }
  }

  async function customize(dc: DecoratorController, parent: JsonObject): Promise<RelatedRule[]> {
    const hook = dc.spec.hooks.customize;
    if (!hook) return [];
    const meta = metaOf(parent);
    const key = `${dc.metadata.name}|${String(meta.uid)}|${String(meta.generation)}`;
    const cached = customizeCache.get(key);
    if (cached && now() - cached.at < customizeTtlMs) return cached.rules;
    const body = await callHook(dc, "customize", hook, { controller: dc, parent });
    const rules = parseCustomizeResponse(body, isStrict(hook));
    customizeCache.set(key, { rules, at: now() });
    return rules;
  }

  /** §3 selection rules, v2: any namespace, cluster-wide when no namespace is named. */
  async function relatedOf(rule: RelatedRule): Promise<JsonObject[]> {
    const info = await api.byResource(rule.apiVersion, rule.resource);
    if (rule.namespaceSelector) {
      const nsInfo = await api.byResource("v1", "namespaces");
      const namespaces = await api.list(nsInfo, undefined, selectorQuery(rule.namespaceSelector));
      const query = rule.labelSelector ? selectorQuery(rule.labelSelector) : undefined;
      const lists = await Promise.all(namespaces.map((ns) => api.list(info, String(metaOf(ns).name), query)));
      return lists.flat();
    }
    if (rule.labelSelector) return api.list(info, rule.namespace, selectorQuery(rule.labelSelector));
    const all = await api.list(info, rule.namespace);
    return rule.names ? all.filter((o) => rule.names?.includes(String(metaOf(o).name))) : all;
  }

  async function related(dc: DecoratorController, parent: JsonObject): Promise<ObjectMap> {
    const map: ObjectMap = {};
    for (const rule of await customize(dc, parent)) {
      const info = await api.byResource(rule.apiVersion, rule.resource);
      const group = groupKey(info.kind, rule.apiVersion);
      map[group] ??= {}; // one entry per rule type, even when empty (§2.3)
      for (const object of await relatedOf(rule)) insert(map, group, object);
    }
    return map;
  }

  /** §1.2: owned by ownerReference only — a controller ref to the parent's uid AND our annotation. */
  async function attachmentsOf(dc: DecoratorController, parent: JsonObject, parentInfo: ResourceInfo) {
    const map: ObjectMap = {};
    const meta = metaOf(parent);
    const namespace = parentInfo.namespaced ? str(meta.namespace) : undefined;
    for (const attachment of dc.spec.attachments ?? []) {
      const info = await api.byResource(attachment.apiVersion, attachment.resource);
      const group = groupKey(info.kind, attachment.apiVersion);
      map[group] = {};
      for (const object of await api.list(info, namespace)) {
        const refs = metaOf(object).ownerReferences;
        const owned =
          Array.isArray(refs) && refs.some((r) => isObject(r) && r.controller === true && r.uid === meta.uid);
        if (owned && annotationsOf(object)[decoratorAnnotation] === dc.metadata.name)
          insert(map, group, object);
      }
    }
    return map;
  }

  async function observe(
    dc: DecoratorController,
    resource: DecoratorResource,
    info: ResourceInfo,
    parent: JsonObject,
  ) {
    const attachments = await attachmentsOf(dc, parent, info);
    const relatedMap = await related(dc, parent);
    const fingerprint = JSON.stringify([
      parentFingerprint(resource, parent),
      mapFingerprint(attachments),
      mapFingerprint(relatedMap),
    ]);
    return { attachments, related: relatedMap, fingerprint } satisfies Observed;
  }

  function catchWrite(error: unknown, record: SyncRecord, counter?: keyof DriverStats["conflicts"]): boolean {
    const code = statusCode(error);
    if (code === 404) {
      record.result = "gone";
      return true;
    }
    if (code === 409 && counter) {
      stats.conflicts[counter]++;
      pass.conflicts++;
      record.result = "conflict";
      return true;
    }
    return false;
  }

  /**
   * §2.4 (Decorator), §4.4: labels, annotations and status on a copy of the parent as read at the
   * start of the sync; status through /status with that resourceVersion, then an Update (PUT) of
   * the whole object. A 409 or 404 on either ends the sync quietly: nothing else is done this time.
   */
  /** One PUT; true when written, false when a 409/404 was swallowed; other errors are thrown. */
  async function write(
    info: ResourceInfo,
    body: JsonObject,
    record: SyncRecord,
    counter: "parentStatus" | "parentUpdate",
  ): Promise<boolean> {
    if (options.unsafeUnconditionalParentWrites)
      metaOf(body).resourceVersion = metaOf(await api.get(info, body)).resourceVersion ?? null;
    try {
      const written = await api.replace(info, body, counter === "parentStatus" ? "status" : undefined);
      pass.writes++;
      // A following Update needs the resourceVersion this write produced.
      metaOf(body).resourceVersion = metaOf(written).resourceVersion ?? null;
      return true;
    } catch (error) {
      if (catchWrite(error, record, counter)) return false;
      throw error;
    }
  }

  async function applyParent(
    info: ResourceInfo,
    parent: JsonObject,
    answer: DecoratorResponse,
    record: SyncRecord,
  ): Promise<boolean> {
    const plan = planParentUpdate(parent, answer);
    if (plan === undefined) return true;
    const { updated, status, statusChanged } = plan;
    if (statusChanged && info.hasStatus) {
      if (!(await write(info, updated, record, "parentStatus"))) return false;
      record.statusWritten = status ?? {};
    }
    if (!(await write(info, updated, record, "parentUpdate"))) return false;
    record.metadataWritten = plan.metadataChanged;
    if (statusChanged && !info.hasStatus) record.statusWritten = status ?? {};
    return true;
  }

  function strategyOf(dc: DecoratorController, group: string, kind: string): string {
    for (const attachment of dc.spec.attachments ?? []) {
      const attachmentGroup = attachment.apiVersion.includes("/") ? attachment.apiVersion.split("/")[0] : "";
      if (
        attachmentGroup === group &&
        attachmentKinds.get(`${attachment.apiVersion}/${attachment.resource}`) === kind
      )
        return attachment.updateStrategy?.method || "OnDelete";
    }
    return "OnDelete";
  }
  const attachmentKinds = new Map<string, string>();

  async function removeAttachment(
    info: ResourceInfo,
    object: JsonObject,
    record: SyncRecord,
    errors: string[],
  ) {
    try {
      await api.remove(info, object);
      pass.writes++;
      record.deleted.push(describe(object));
    } catch (error) {
      if (statusCode(error) !== 404)
        errors.push(`can't delete ${describe(object)}: ${(error as Error).message}`);
    }
  }

  async function putAttachment(info: ResourceInfo, merged: JsonObject, record: SyncRecord, errors: string[]) {
    try {
      await api.replace(info, merged);
      pass.writes++;
      record.updated.push(describe(merged));
    } catch (error) {
      const code = statusCode(error);
      if (code === 409) {
        stats.conflicts.attachmentUpdate++;
        pass.conflicts++;
      } else if (code !== 404) errors.push(`can't update ${describe(merged)}: ${(error as Error).message}`);
    }
  }

  /** §4.1: merged = three-way merge; nothing when equal or pending deletion; then the update strategy. */
  async function updateAttachment(
    dc: DecoratorController,
    observed: JsonObject,
    desired: JsonObject,
    record: SyncRecord,
    errors: string[],
  ) {
    const merged = applyUpdate(observed, desired);
    if (deepEqual(merged, observed) || metaOf(observed).deletionTimestamp) return;
    const info = await api.byKind(String(desired.apiVersion), String(desired.kind));
    const method = strategyOf(dc, info.group, info.kind);
    if (method === "OnDelete") return;
    if (method === "Recreate" || method === "RollingRecreate")
      return removeAttachment(info, observed, record, errors);
    if (method === "InPlace" || method === "RollingInPlace")
      return putAttachment(info, merged, record, errors);
    errors.push(`invalid update strategy for ${info.kind}: unknown method ${JSON.stringify(method)}`);
  }

  async function createAttachment(
    parent: JsonObject,
    desired: JsonObject,
    record: SyncRecord,
    errors: string[],
  ) {
    const meta = metaOf(parent);
    const ownerRef = {
      apiVersion: String(parent.apiVersion),
      kind: String(parent.kind),
      name: String(meta.name),
      uid: String(meta.uid),
      controller: true,
      blockOwnerDeletion: true,
    };
    try {
      const info = await api.byKind(String(desired.apiVersion), String(desired.kind));
      await api.create(info, str(metaOf(desired).namespace), prepareCreate(desired, ownerRef));
      pass.writes++;
      record.created.push(describe(desired));
    } catch (error) {
      if (statusCode(error) === 409) stats.alreadyExists++;
      else errors.push(`can't create ${describe(desired)}: ${(error as Error).message}`);
    }
  }

  async function deleteUndesired(
    observed: ObjectMap,
    desired: ObjectMap,
    record: SyncRecord,
    errors: string[],
  ) {
    for (const [group, members] of Object.entries(observed)) {
      for (const key of Object.keys(members).sort()) {
        const object = members[key] as JsonObject;
        if (metaOf(object).deletionTimestamp || desired[group]?.[key]) continue;
        const info = await api.byKind(String(object.apiVersion), String(object.kind));
        await removeAttachment(info, object, record, errors);
      }
    }
  }

  /** §2.4 + §4.1 (ManageChildren): delete the undesired, then create or update the desired. */
  async function manageAttachments(
    dc: DecoratorController,
    parent: JsonObject,
    observed: ObjectMap,
    wanted: JsonObject[],
    record: SyncRecord,
  ) {
    const desired = desiredMap(dc.metadata.name, parent, wanted);
    const errors: string[] = [];
    await deleteUndesired(observed, desired, record, errors);
    for (const [group, members] of Object.entries(desired)) {
      for (const key of Object.keys(members).sort()) {
        const object = members[key] as JsonObject;
        const old = observed[group]?.[key];
        if (old) await updateAttachment(dc, old, object, record, errors);
        else await createAttachment(parent, object, record, errors);
      }
    }
    if (errors.length > 0) throw new Error(`can't reconcile attachments: ${errors.join("; ")}`);
  }

  function scheduleResync(state: ParentState, seconds: number) {
    if (seconds > 0) state.resyncDue.push(now() + seconds * 1000);
  }

  async function syncParent(
    dc: DecoratorController,
    info: ResourceInfo,
    parent: JsonObject,
    seen: Observed,
    state: ParentState,
    record: SyncRecord,
  ) {
    const hook = dc.spec.hooks.sync as HookSpec;
    const body = await callHook(dc, "sync", hook, {
      controller: dc,
      object: parent,
      attachments: seen.attachments,
      related: seen.related,
      finalizing: false,
    });
    const answer = parseDecoratorResponse(body, isStrict(hook));
    // The delayed requeue is registered before anything is written, as upstream does.
    if (answer.resyncAfterSeconds > 0) record.resyncAfterSeconds = answer.resyncAfterSeconds;
    scheduleResync(state, answer.resyncAfterSeconds);
    if (!(await applyParent(info, parent, answer, record))) return;
    // Attachments are managed only while the parent is alive (no finalize hook is emulated).
    if (metaOf(parent).deletionTimestamp) return;
    await manageAttachments(dc, parent, seen.attachments, answer.attachments, record);
  }

  function whyNow(
    state: ParentState | undefined,
    fingerprint: string,
    dc: DecoratorController,
  ): SyncReason | undefined {
    if (trigger === "always") return "always";
    if (state === undefined) return "new";
    if (state.retry) return "retry";
    if (state.fingerprint !== fingerprint) return "changed";
    const t = now();
    if (state.resyncDue.some((due) => due <= t)) return "resync";
    const period = dc.spec.resyncPeriodSeconds;
    if (period && state.lastSyncAt !== undefined && t - state.lastSyncAt >= Math.max(1, period) * 1000)
      return "resync";
    return undefined;
  }

  function recordFailure(record: SyncRecord, state: ParentState, error: unknown) {
    record.result = "error";
    record.error = error instanceof Error ? error.message : String(error);
    stats.errors++;
    pass.errors.push(record);
    // §2.6: requeued with backoff; here: again on the next pass (or after Retry-After for a 429).
    if (error instanceof HookCallError && error.retryAfterSeconds !== undefined) {
      scheduleResync(state, Math.max(error.retryAfterSeconds, 0.001));
    } else state.retry = true;
  }

  async function visitParent(
    dc: DecoratorController,
    resource: DecoratorResource,
    info: ResourceInfo,
    parent: JsonObject,
  ) {
    const meta = metaOf(parent);
    const key = `${dc.metadata.name}|${String(meta.uid)}`;
    let state = states.get(key);
    let seen: Observed | undefined;
    try {
      seen = await observe(dc, resource, info, parent);
    } catch (error) {
      const record = emptyRecord(dc.metadata.name, parent, state ? "retry" : "new");
      state ??= { retry: true, resyncDue: [] };
      states.set(key, state);
      pass.synced.push(record);
      recordFailure(record, state, error);
      return;
    }
    const reason = whyNow(state, seen.fingerprint, dc);
    if (reason === undefined) {
      pass.skipped++;
      return;
    }
    state ??= { retry: false, resyncDue: [] };
    states.set(key, state);
    const t = now();
    state.resyncDue = state.resyncDue.filter((due) => due > t);
    state.fingerprint = seen.fingerprint;
    state.lastSyncAt = t;
    state.retry = false;
    const record = emptyRecord(dc.metadata.name, parent, reason);
    pass.synced.push(record);
    stats.syncs++;
    try {
      await syncParent(dc, info, parent, seen, state, record);
    } catch (error) {
      recordFailure(record, state, error);
    }
  }

  async function matchingParents(resource: DecoratorResource, info: ResourceInfo): Promise<JsonObject[]> {
    const parents = await api.list(info);
    return parents
      .filter((p) => {
        const meta = metaOf(p);
        const ns = str(meta.namespace);
        if (options.namespaces && ns !== undefined && !options.namespaces.includes(ns)) return false;
        return (
          labelSelectorMatches(resource.labelSelector, meta.labels as Record<string, string> | undefined) &&
          annotationSelectorMatches(
            resource.annotationSelector,
            meta.annotations as Record<string, string> | undefined,
          )
        );
      })
      .sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
  }

  /** A parent type whose LIST fails is left for the next pass, as an informer that has not synced yet. */
  async function visitResource(dc: DecoratorController, resource: DecoratorResource) {
    let info: ResourceInfo;
    let parents: JsonObject[];
    try {
      info = await api.byResource(resource.apiVersion, resource.resource);
      parents = await matchingParents(resource, info);
    } catch (error) {
      const what = { kind: resource.resource, metadata: { name: "*" } };
      recordFailure(emptyRecord(dc.metadata.name, what, "retry"), { retry: true, resyncDue: [] }, error);
      return;
    }
    for (const parent of parents) await visitParent(dc, resource, info, parent);
  }

  async function runPass(): Promise<PassReport> {
    const started = Date.now();
    pass = { synced: [], errors: [], skipped: 0, conflicts: 0, writes: 0, durationMs: 0 };
    stats.passes++;
    for (const dc of options.controllers) {
      for (const attachment of dc.spec.attachments ?? []) {
        const info = await api.byResource(attachment.apiVersion, attachment.resource);
        attachmentKinds.set(`${attachment.apiVersion}/${attachment.resource}`, info.kind);
      }
      for (const resource of dc.spec.resources) await visitResource(dc, resource);
    }
    pass.durationMs = Date.now() - started;
    return pass;
  }

  function reconcileOnce(): Promise<PassReport> {
    const next = queue.then(runPass, runPass);
    queue = next.catch(() => undefined);
    return next;
  }

  async function settle(settleOptions: { maxPasses?: number } = {}): Promise<PassReport[]> {
    const maxPasses = settleOptions.maxPasses ?? 25;
    const reports: PassReport[] = [];
    for (let i = 0; i < maxPasses; i++) {
      const report = await reconcileOnce();
      reports.push(report);
      const quiet =
        trigger === "changes"
          ? report.synced.length === 0
          : report.writes === 0 && report.errors.length === 0 && report.conflicts === 0;
      if (quiet) return reports;
    }
    const last = reports.at(-1);
    const busy = last?.synced.map((r) => `${r.controller} ${r.parent} (${r.reason}, ${r.result})`).join("; ");
    throw new Error(`no fixpoint after ${maxPasses} passes; still syncing: ${busy}`);
  }

  function nextResyncSeconds(): number | undefined {
    const dues = [...states.values()].flatMap((s) => s.resyncDue);
    if (dues.length === 0) return undefined;
    return Math.max(0, (Math.min(...dues) - now()) / 1000);
  }

  async function run({ intervalMs, signal }: { intervalMs: number; signal: AbortSignal }): Promise<void> {
    while (!signal.aborted) {
      try {
        await reconcileOnce();
      } catch (error) {
        options.log?.debug({ err: String(error) }, "metacontroller pass failed");
      }
      const resync = nextResyncSeconds();
      const wait = resync === undefined ? intervalMs : Math.min(intervalMs, Math.max(resync * 1000, 10));
      // timers/promises removes its abort listener when the wait ends; a hand-made one piles up.
      await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
  }

  return { reconcileOnce, settle, run, nextResyncSeconds, stats };
}
