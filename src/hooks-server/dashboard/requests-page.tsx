/** The main page: filters, then the requests, kept current by server-sent events. */
import { phases } from "../../core/updaterequests/update-request.ts";
import type { RequestFilter } from "./filter-requests.ts";
import { Layout } from "./layout.tsx";
import { RequestsView, type RequestsViewProps } from "./requests-view.tsx";

export interface RequestsPageProps extends RequestsViewProps {
  readonly user: string;
  readonly filter: RequestFilter;
  readonly notice?: string | undefined;
}

export function RequestsPage(props: RequestsPageProps) {
  const { filter } = props;
  return (
    <Layout title="Update requests" user={props.user} csrf={props.csrf}>
      {props.notice !== undefined && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <form method="get" action="/" aria-label="Filter requests">
        <fieldset>
          <legend>Filter</legend>
          <label for="f-namespace">
            Namespace
            <input id="f-namespace" name="namespace" value={filter.namespace} placeholder="all" />
          </label>
          <label for="f-phase">
            Phase
            <select id="f-phase" name="phase">
              <option value="">all</option>
              {phases.map((p) => (
                <option value={p} selected={p === filter.phase}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label for="f-q">
            Text
            <input id="f-q" name="q" value={filter.text} placeholder="workload, image…" />
          </label>
          <button type="submit">Apply</button>
        </fieldset>
      </form>
      <div hx-ext="sse" sse-connect={`/events?${props.back}`}>
        <div id="requests" aria-live="polite" sse-swap="requests" hx-swap="innerHTML">
          <RequestsView {...props} />
        </div>
      </div>
    </Layout>
  );
}
