/**
 * The requests: waiting for a person first, then history. Rendered whole for the page and again for
 * every live update (server-sent events), so both always agree. Controls appear only where the
 * person may decide (a SubjectAccessReview per namespace); the server checks again on submit.
 */
import { phaseOf, type UpdateRequest } from "../../core/updaterequests/update-request.ts";

export interface RequestsViewProps {
  readonly pending: readonly UpdateRequest[];
  readonly history: readonly UpdateRequest[];
  /** Namespaces where the person may patch updaterequests/status. */
  readonly canDecide: ReadonlySet<string>;
  readonly csrf: string;
  readonly now: number;
  /** The page's filter, carried through each form so the person comes back to the same view. */
  readonly back: string;
  /** Why nothing could be listed (the person's own rights, as the apiserver said). */
  readonly listError?: string | undefined;
}

function age(since: string | undefined, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(since ?? "")) / 1000));
  if (Number.isNaN(seconds)) return "";
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

const key = (ur: UpdateRequest) => `${ur.metadata.namespace}/${ur.metadata.name}`;
const by = (ur: UpdateRequest) => ur.status?.approvedBy ?? ur.status?.rejectedBy ?? ur.spec.requestedBy ?? "";

function Workload(props: { ur: UpdateRequest }) {
  const { targetRef } = props.ur.spec;
  const href = `/workloads/${targetRef.namespace}/${targetRef.kind.toLowerCase()}/${targetRef.name}`;
  return (
    <a href={href}>
      {targetRef.namespace}/{targetRef.kind.toLowerCase()}/{targetRef.name}
    </a>
  );
}

function Cells(props: { ur: UpdateRequest; now: number }) {
  const { ur, now } = props;
  const phase = phaseOf(ur) ?? "Pending";
  return (
    <>
      <td>
        <Workload ur={ur} />
      </td>
      <td>{ur.spec.containerName}</td>
      <td>
        <code>{ur.spec.currentImage}</code> → <code>{ur.spec.newImage}</code>
        {ur.spec.type === "rollback" && " (rollback)"}
      </td>
      <td>{ur.spec.policy}</td>
      <td>{age(ur.metadata.creationTimestamp, now)}</td>
      <td>
        <span class={`phase phase-${phase}`}>{phase}</span>
      </td>
      <td>{by(ur)}</td>
    </>
  );
}

const headers = ["Workload", "Container", "Current → new image", "Policy", "Age", "Phase", "Who"];

function Hidden(props: { csrf: string; back: string }) {
  return (
    <>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="back" value={props.back} />
    </>
  );
}

function Decide(props: { ur: UpdateRequest; csrf: string; back: string }) {
  const name = props.ur.metadata.name;
  return (
    <td>
      <form class="inline" method="post" action="/approve">
        <Hidden csrf={props.csrf} back={props.back} />
        <input type="hidden" name="ur" value={key(props.ur)} />
        <button type="submit" aria-label={`Approve ${name}`}>
          Approve
        </button>
      </form>{" "}
      <form class="inline" method="post" action="/reject">
        <Hidden csrf={props.csrf} back={props.back} />
        <input type="hidden" name="ur" value={key(props.ur)} />
        <input
          name="reason"
          maxlength={1024}
          placeholder="reason"
          aria-label={`Reason for rejecting ${name}`}
        />
        <button type="submit" aria-label={`Reject ${name}`}>
          Reject
        </button>
      </form>
    </td>
  );
}

export function RequestsView(props: RequestsViewProps) {
  const { pending, history, canDecide, csrf, now } = props;
  const decidable = pending.filter((ur) => canDecide.has(ur.metadata.namespace ?? ""));
  const viewOnly = [...new Set(pending.map((ur) => ur.metadata.namespace ?? ""))].filter(
    (ns) => !canDecide.has(ns),
  );
  return (
    <>
      {props.listError !== undefined && (
        <p class="refusal" role="alert">
          {props.listError}
        </p>
      )}
      {viewOnly.length > 0 && (
        <p>
          You may see but not decide the requests in {viewOnly.join(", ")} (that needs patch on
          updaterequests/status there).
        </p>
      )}
      <form id="bulk" method="post" action="/approve">
        <Hidden csrf={csrf} back={props.back} />
      </form>
      <table id="pending">
        <caption>Waiting for approval ({pending.length})</caption>
        <thead>
          <tr>
            <th scope="col">Select</th>
            {headers.map((h) => (
              <th scope="col">{h}</th>
            ))}
            <th scope="col">Decide</th>
          </tr>
        </thead>
        <tbody>
          {pending.map((ur) => {
            const mine = canDecide.has(ur.metadata.namespace ?? "");
            return (
              <tr id={`row-${ur.metadata.uid ?? key(ur)}`}>
                <td>
                  {mine && (
                    <input
                      type="checkbox"
                      form="bulk"
                      name="ur"
                      value={key(ur)}
                      id={`select-${ur.metadata.uid ?? key(ur)}`}
                      hx-preserve="true"
                      aria-label={`Select ${ur.metadata.name}`}
                    />
                  )}
                </td>
                <Cells ur={ur} now={now} />
                {mine ? <Decide ur={ur} csrf={csrf} back={props.back} /> : <td>view only</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
      {decidable.length > 1 && (
        <p>
          <button type="submit" form="bulk">
            Approve selected
          </button>
        </p>
      )}
      <table id="history">
        <caption>History ({history.length})</caption>
        <thead>
          <tr>
            {headers.map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {history.map((ur) => (
            <tr id={`row-${ur.metadata.uid ?? key(ur)}`}>
              <Cells ur={ur} now={now} />
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
