/** One workload's history, with a rollback to any image in it (a request like any other). */
import type { KubeObject } from "../../core/kube-object.ts";
import { rollbackImages } from "../../core/updaterequests/rollback-request.ts";
import type { HistoryEntry } from "../../core/updaterequests/update-history.ts";
import { containerImages } from "../../core/workloads/container-images.ts";
import { Layout } from "./layout.tsx";

export interface WorkloadPageProps {
  readonly user: string;
  readonly csrf: string;
  readonly workload: KubeObject;
  readonly kind: string;
  readonly history: readonly HistoryEntry[];
}

export function WorkloadPage(props: WorkloadPageProps) {
  const { workload, history, csrf } = props;
  const { namespace = "", name } = workload.metadata;
  const action = `/rollback/${namespace}/${props.kind}/${name}`;
  return (
    <Layout title={`${workload.kind} ${namespace}/${name}`} user={props.user} csrf={csrf}>
      <p>
        <a href={`/?namespace=${namespace}`}>Requests in {namespace}</a>
      </p>
      {containerImages(workload).map((container) => {
        const choices = rollbackImages(history, container.name).filter((image) => image !== container.image);
        return (
          <section aria-labelledby={`c-${container.name}`}>
            <h2 id={`c-${container.name}`}>
              {container.containerType === "chart" ? "Chart" : "Container"} {container.name}:{" "}
              <code>{container.image}</code>
            </h2>
            <table>
              <caption>History of {container.name}</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Image</th>
                  <th scope="col">Before</th>
                  <th scope="col">Who</th>
                </tr>
              </thead>
              <tbody>
                {history
                  .filter((e) => e.container === container.name)
                  .map((e) => (
                    <tr>
                      <td>{e.timestamp}</td>
                      <td>
                        <code>{e.image}</code>
                        {e.type === "rollback" && " (rollback)"}
                      </td>
                      <td>
                        <code>{e.previousImage ?? ""}</code>
                      </td>
                      <td>{e.approvedBy ?? ""}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
            {choices.map((image) => (
              <form class="inline" method="post" action={action}>
                <input type="hidden" name="_csrf" value={csrf} />
                <input type="hidden" name="container" value={container.name} />
                <input type="hidden" name="to" value={image} />
                <button type="submit">
                  Roll {container.name} back to {image}
                </button>
              </form>
            ))}
          </section>
        );
      })}
    </Layout>
  );
}
