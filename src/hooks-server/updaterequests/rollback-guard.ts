/**
 * What the UpdateRequests hook holds a person's rollback to, besides the trust rules every request
 * meets: it names who asked (admission holds that to the creator), and it goes back to an image
 * the workload's own history names, so a rollback can never be a way to run an arbitrary tag.
 */

import type { KubeObject } from "../../core/kube-object.ts";
import { annotations as names } from "../../core/metadata-keys.ts";
import { rollbackImages } from "../../core/updaterequests/rollback-request.ts";
import { parseHistory } from "../../core/updaterequests/update-history.ts";
import type { UpdateRequest } from "../../core/updaterequests/update-request.ts";

/** Undefined when the request is an update or an acceptable rollback; otherwise why not. */
export function rollbackRefusal(ur: UpdateRequest, target: KubeObject): string | undefined {
  if (ur.spec.type !== "rollback") return undefined;
  if (!ur.spec.requestedBy) return "a rollback must name who requested it";
  const history = parseHistory(target.metadata.annotations?.[names.updateHistory]);
  if (!rollbackImages(history, ur.spec.containerName).includes(ur.spec.newImage))
    return `${ur.spec.newImage} is not in the ${names.updateHistory} of container ${ur.spec.containerName}`;
  return undefined;
}
