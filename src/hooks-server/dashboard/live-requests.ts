/**
 * A person's live view of UpdateRequests for server-sent events: LIST and WATCH with their own
 * credentials (src/kube list-and-watch), one rendering per burst of changes. A watch the apiserver
 * refuses (the token expired, a right was revoked) ends the stream instead of retrying.
 */
import type { UpdateRequest } from "../../core/updaterequests/update-request.ts";
import type { KubeTransport } from "../../kube/create-kube-transport.ts";
import type { KubeWatch } from "../../kube/create-kube-watch.ts";
import { kubeStatus } from "../../kube/kube-api-error.ts";
import { listAndWatch } from "../../kube/list-and-watch.ts";
import { listCollection } from "../../kube/list-collection.ts";

export interface LiveRequestsOptions {
  readonly transport: KubeTransport;
  readonly watch: KubeWatch;
  /** The collection path (one namespace's, or every namespace's). */
  readonly path: string;
  /** Called with the current set after each burst of changes. */
  readonly onChange: (urs: readonly UpdateRequest[]) => Promise<void>;
  readonly signal: AbortSignal;
  readonly debounceMs?: number;
  /** At most this many objects are kept: a view for people, not a cache of the cluster. */
  readonly maxObjects?: number;
}

export async function liveRequests(options: LiveRequestsOptions): Promise<void> {
  const maxObjects = options.maxObjects ?? 5000;
  const byUid = new Map<string, UpdateRequest>();
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => void options.onChange([...byUid.values()]).catch(() => stop.abort()),
      options.debounceMs ?? 200,
    );
  };
  const stop = new AbortController();
  const end = () => stop.abort();
  options.signal.addEventListener("abort", end, { once: true });
  const uid = (ur: UpdateRequest) => ur.metadata.uid ?? `${ur.metadata.namespace}/${ur.metadata.name}`;
  try {
    await listAndWatch<UpdateRequest>({
      list: () => listCollection<UpdateRequest>(options.transport, options.path),
      watch: options.watch,
      path: options.path,
      signal: stop.signal,
      onList: (items) => {
        byUid.clear();
        for (const ur of items.slice(0, maxObjects)) byUid.set(uid(ur), ur);
        changed();
      },
      onEvent: (event) => {
        if (event.type === "DELETED") byUid.delete(uid(event.object));
        else if (byUid.has(uid(event.object)) || byUid.size < maxObjects)
          byUid.set(uid(event.object), event.object);
        changed();
      },
      onError: (error) => {
        const status = kubeStatus(error);
        if (status === 401 || status === 403) stop.abort();
      },
    });
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", end);
  }
}
