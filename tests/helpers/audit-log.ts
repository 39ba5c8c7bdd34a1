/**
 * The apiserver's audit log of writes (scripts/cluster.sh logs create/update/patch/delete at
 * Metadata level): who changed which object, and with what answer. Read from a byte offset, so a
 * test counts only what happened since it began.
 */
import { open, stat } from "node:fs/promises";

export interface AuditWrite {
  readonly user: string;
  readonly verb: string;
  readonly resource: string;
  readonly subresource: string | undefined;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  /** The resourceVersion the request carried (an update's precondition), if any. */
  readonly resourceVersion: string | undefined;
  readonly code: number;
  /** When the apiserver finished it (epoch ms). */
  readonly at: number;
}

interface AuditEvent {
  stageTimestamp: string;
  verb: string;
  user: { username: string };
  objectRef?: {
    resource?: string;
    subresource?: string;
    namespace?: string;
    name?: string;
    resourceVersion?: string;
  };
  responseStatus?: { code?: number };
}

function logPath(): string {
  const path = process.env.HEADWIND_AUDIT_LOG;
  if (!path) throw new Error("HEADWIND_AUDIT_LOG is not set: run inside scripts/cluster.sh");
  return path;
}

/** Where the log ends now: pass it to `auditWritesSince` later. */
export async function auditCursor(): Promise<number> {
  return (await stat(logPath())).size;
}

/** The complete lines written since `cursor`, and the cursor to read on from. */
export async function readAudit(cursor: number): Promise<{ writes: AuditWrite[]; next: number }> {
  const file = await open(logPath(), "r");
  try {
    const { size } = await file.stat();
    const buffer = Buffer.alloc(size - cursor);
    await file.read(buffer, 0, buffer.length, cursor);
    // A line still being written is left for the next read.
    const complete = buffer.subarray(0, buffer.lastIndexOf(10) + 1);
    const writes = complete
      .toString("utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const event = JSON.parse(line) as AuditEvent;
        return {
          user: event.user.username,
          verb: event.verb,
          resource: event.objectRef?.resource ?? "",
          subresource: event.objectRef?.subresource,
          namespace: event.objectRef?.namespace,
          name: event.objectRef?.name,
          resourceVersion: event.objectRef?.resourceVersion,
          code: event.responseStatus?.code ?? 0,
          at: Date.parse(event.stageTimestamp),
        };
      });
    return { writes, next: cursor + complete.length };
  } finally {
    await file.close();
  }
}

export async function auditWritesSince(cursor: number): Promise<AuditWrite[]> {
  return (await readAudit(cursor)).writes;
}
