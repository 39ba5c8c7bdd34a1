/**
 * A person's rollback, from the ask to the created UpdateRequest: read the workload, choose the
 * image from its history, refuse a second rollback of a container while one is under way, ask
 * whether the person may patch the workload themselves (then no approval is needed), and create
 * the request. Every call goes through `ports`, made with the person's own credentials by the
 * plugin, the HTTP API and the dashboard alike; admission checks the same again on create.
 */
import type { KubeObject } from "../kube-object.ts";
import { buildRollbackRequest, chooseRollback, partOf, type RollbackAsk } from "./rollback-request.ts";
import { activePhases, phaseOf, type UpdateRequest } from "./update-request.ts";

export interface RollbackPorts {
  /** Undefined when it does not exist. */
  getWorkload(): Promise<KubeObject | undefined>;
  /** The UpdateRequests of the workload's namespace. */
  listUpdateRequests(): Promise<UpdateRequest[]>;
  /** Whether the person may patch the workload (a SubjectAccessReview for them). */
  mayPatchWorkload(): Promise<boolean>;
  create(ur: UpdateRequest): Promise<UpdateRequest>;
}

export interface RollbackInput {
  /** For messages: `Deployment shop/web`. */
  readonly what: string;
  readonly username: string;
  readonly ask: RollbackAsk;
  readonly now: number;
  readonly approvalTtlSeconds: number;
}

export type RollbackOutcome =
  | { readonly result: "created"; readonly ur: UpdateRequest }
  | { readonly result: "not-found" | "invalid" | "conflict"; readonly error: string };

const isActive = (ur: UpdateRequest) => {
  const phase = phaseOf(ur);
  return phase === undefined || activePhases.includes(phase);
};

export async function requestRollback(ports: RollbackPorts, input: RollbackInput): Promise<RollbackOutcome> {
  const workload = await ports.getWorkload();
  if (workload === undefined) return { result: "not-found", error: `${input.what} not found` };
  const choice = chooseRollback(workload, input.ask);
  if (!choice.ok) return { result: "invalid", error: choice.error };
  const running = (await ports.listUpdateRequests()).find(
    (ur) =>
      ur.spec?.type === "rollback" &&
      ur.spec.targetRef?.kind === workload.kind &&
      ur.spec.targetRef.name === workload.metadata.name &&
      ur.spec.containerName === choice.container.name &&
      isActive(ur),
  );
  if (running !== undefined) {
    const error = `a rollback of ${partOf(workload)} ${choice.container.name} is already under way: ${running.metadata.name}`;
    return { result: "conflict", error };
  }
  const built = buildRollbackRequest({
    workload,
    container: choice.container,
    image: choice.image,
    requestedBy: input.username,
    approval: (await ports.mayPatchWorkload()) ? "Automatic" : "Required",
    now: input.now,
    approvalTtlSeconds: input.approvalTtlSeconds,
  });
  if (!built.ok) return { result: "invalid", error: built.error };
  return { result: "created", ur: await ports.create(built.value) };
}
