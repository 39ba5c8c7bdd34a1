/**
 * `npm run demo`: Headwind's main job, end to end, on the same local control plane and registry the
 * tests use. Both production entry points run as child processes under their own ServiceAccount
 * tokens, and real Metacontroller drives the repository's DecoratorControllers (hooks/*.yaml, the
 * webhook address pointed at the local hooks server). Run through scripts/demo.sh, which builds
 * Metacontroller on first use, starts kube-apiserver + etcd and exports KUBECONFIG.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tagConfigMapName } from "../src/core/tags/tag-configmap.ts";
import { installAdmission } from "../tests/helpers/admission.ts";
import { adminConfig, applyObjects, kubeRequest, waitFor } from "../tests/helpers/cluster.ts";
import { startEntryPoint } from "../tests/helpers/entry-point.ts";
import {
  hooksServiceAccount,
  installHeadwind,
  serviceAccountKubeconfig,
} from "../tests/helpers/headwind-install.ts";
import { startMetacontroller } from "../tests/helpers/metacontroller.ts";
import { installControllers } from "../tests/helpers/metacontroller-controllers.ts";
import { pushImage } from "../tests/helpers/registry-push.ts";
import { freePort, startRegistry } from "../tests/helpers/registry-server.ts";
import { installSidecarRbac } from "../tests/helpers/sidecar-cluster.ts";

const work = mkdtempSync(join(tmpdir(), "headwind-demo-"));
const cleanups: (() => Promise<void> | void)[] = [];
let step = 0;

function say(text: string, detail?: string): void {
  step += 1;
  console.log(`\n[${step}] ${text}`);
  if (detail) console.log(detail.replace(/^/gm, "    "));
}

function kubectl(...args: string[]): string {
  return execFileSync("kubectl", args, { encoding: "utf8" }).trimEnd();
}

const runningImage = () =>
  kubectl(
    "-n",
    "demo",
    "get",
    "deployment",
    "web",
    "-o",
    "jsonpath={.spec.template.spec.containers[0].image}",
  );

/** Starts one of our entry points (stopped again at the end). */
async function start(entry: string, port: number, env: Record<string, string>): Promise<void> {
  const started = await startEntryPoint(entry, port, env);
  cleanups.push(() => started.stop());
}

function deployment(image: string) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "web",
      namespace: "demo",
      annotations: { "headwind.sh/policy": "minor", "headwind.sh/require-approval": "true" },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image }] } },
    },
  };
}

type Object_ = { metadata: { name: string; generation?: number; annotations?: Record<string, string> } };
type Ur = Object_ & { spec: { newImage: string }; status?: { phase?: string } };

async function main(): Promise<void> {
  const admin = adminConfig();
  const version = (await kubeRequest(admin, "GET", "/version")) as { gitVersion: string };
  say(`Local control plane: kube-apiserver ${version.gitVersion} and etcd on 127.0.0.1 (scripts/cluster.sh)`);

  await installHeadwind(admin);
  await installSidecarRbac(admin);
  await installAdmission(admin, await hooksServiceAccount(admin));
  say("Installed Headwind's CRD, RBAC and admission policies, and Metacontroller's CRDs");

  const hooksPort = await freePort();
  // The DecoratorControllers first: installing them writes the hook credential Secret they name,
  // which the hooks server is started with (Metacontroller reads it from the Secret itself).
  const { controllers, credential } = await installControllers(
    admin,
    `http://127.0.0.1:${hooksPort}`,
    "demo",
  );
  if (credential === undefined) throw new Error("hooks/*.yaml name no webhook.authorization Secret");
  const sidecarPort = await freePort();
  const webhookPath = randomBytes(24).toString("hex");
  const webhooks = join(work, "webhooks.yaml");
  writeFileSync(
    webhooks,
    "sources:\n  - { name: demo, vendor: distribution, pathEnv: DEMO_WEBHOOK_PATH, auth: { type: none-secret-path } }\n",
  );
  const registry = await startRegistry({
    notificationsUrl: `http://127.0.0.1:${sidecarPort}/webhooks/${webhookPath}`,
  });
  cleanups.push(() => registry.stop());
  const repository = "demo/web";
  await pushImage(registry.origin, repository, ["1.0.0"], { seed: "1.0.0" });
  const image = (tag: string) => `${registry.host}/${repository}:${tag}`;
  say(`Registry (Debian's docker-registry) at ${registry.origin}; pushed ${image("1.0.0")}`);

  await start("src/hooks-server/main.ts", hooksPort, {
    KUBECONFIG: await serviceAccountKubeconfig(admin, "headwind-hooks", work),
    HEADWIND_HOOK_TOKEN: credential,
  });
  await start("src/sidecar/main.ts", sidecarPort, {
    KUBECONFIG: await serviceAccountKubeconfig(admin, "headwind-sidecar", work),
    HEADWIND_WEBHOOK_CONFIG: webhooks,
    DEMO_WEBHOOK_PATH: webhookPath,
    HEADWIND_INTEREST_INTERVAL_SECONDS: "5",
  });
  say(
    "Started Headwind: the hooks server and the registry sidecar, each as its own ServiceAccount",
    `hooks   http://127.0.0.1:${hooksPort}  (src/hooks-server/main.ts)\nsidecar http://127.0.0.1:${sidecarPort}  (src/sidecar/main.ts; registry notifications go here)`,
  );

  const metacontroller = await startMetacontroller({ instance: "demo" });
  cleanups.push(() => metacontroller.stop());
  say(
    `Started Metacontroller v4.17.2 (pid ${metacontroller.pid}) with Headwind's DecoratorControllers from hooks/*.yaml, calling the hooks on 127.0.0.1:${hooksPort} with the credential from their Secret`,
    controllers.map((c) => c.metadata.name).join("\n"),
  );

  await kubeRequest(admin, "POST", "/api/v1/namespaces", { metadata: { name: "demo" } });
  await applyObjects(admin, [deployment(image("1.0.0"))]);
  say("Created Deployment demo/web, annotated headwind.sh/policy: minor", runningImage());

  const configMap = `/api/v1/namespaces/headwind/configmaps/${tagConfigMapName(`${registry.host}/${repository}`)}`;
  const tagsSeen = async (tag: string) => {
    const found = (await kubeRequest(admin, "GET", configMap).catch(() => undefined)) as
      | { data?: { tags?: string } }
      | undefined;
    return found?.data?.tags?.split("\n").includes(tag) ? found.data.tags : undefined;
  };
  const seen = await waitFor("the sidecar to poll the repository", () => tagsSeen("1.0.0"), {
    timeoutMs: 60_000,
  });
  say(`The sidecar polled ${registry.host}/${repository} and recorded its tags in a ConfigMap`, seen);

  await pushImage(registry.origin, repository, ["1.1.0"], { seed: "1.1.0" });
  await pushImage(registry.origin, repository, ["2.0.0"], { seed: "2.0.0" });
  say(`Pushed ${image("1.1.0")} and ${image("2.0.0")}`);
  const detected = await waitFor("the push notification to be recorded", () => tagsSeen("2.0.0"), {
    timeoutMs: 30_000,
  });
  say(
    "Detected: the registry's notification reached the sidecar, which confirmed the tags with a HEAD",
    detected,
  );

  const requests = "/apis/headwind.sh/v1alpha1/namespaces/demo/updaterequests";
  const ur = await waitFor("an UpdateRequest", async () => {
    const list = (await kubeRequest(admin, "GET", requests)) as { items: Ur[] };
    return list.items.find((item) => item.status?.phase === "Pending");
  });
  say(
    `Proposed: ${ur.spec.newImage} (minor allows 1.1.0, not 2.0.0), waiting for approval`,
    kubectl("-n", "demo", "get", "updaterequests", "-o", "wide"),
  );

  // approvedBy must be the approver's own user name (manifests/admission/approvals.yaml).
  const patch = '{"status":{"phase":"Approved","approvedBy":"headwind-admin"}}';
  const approve = [
    "-n",
    "demo",
    "patch",
    "updaterequest",
    ur.metadata.name,
    "--subresource=status",
    "--type=merge",
    "-p",
    patch,
  ];
  const shown = approve.map((arg) => (arg === patch ? `'${arg}'` : arg)).join(" ");
  say(`Approving as a person would:\nkubectl ${shown}`, kubectl(...approve));

  const web = `/apis/apps/v1/namespaces/demo/deployments/web`;
  const changed = await waitFor("the image change", async () => {
    const found = (await kubeRequest(admin, "GET", web)) as Object_ & {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    return found.spec.template.spec.containers[0]?.image === image("1.1.0") ? found : undefined;
  });
  say(
    "Applied: the hooks server patched the image (a JSON patch that tests the old image first)",
    runningImage(),
  );

  // No controller-manager runs here: report the rollout the way the deployment controller would.
  await kubeRequest(
    admin,
    "PATCH",
    `${web}/status`,
    {
      status: {
        observedGeneration: changed.metadata.generation,
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
      },
    },
    "application/merge-patch+json",
  );
  const done = await waitFor("the UpdateRequest to complete", async () => {
    const found = (await kubeRequest(admin, "GET", `${requests}/${ur.metadata.name}`)) as Ur;
    return found.status?.phase === "Completed" ? found : undefined;
  });
  say(
    `Rolled out (status reported as the deployment controller would); ${done.metadata.name} is Completed`,
    kubectl("-n", "demo", "get", "updaterequests"),
  );
  const history = await waitFor("the history annotation", async () => {
    const found = (await kubeRequest(admin, "GET", web)) as Object_;
    return found.metadata.annotations?.["headwind.sh/update-history"];
  });
  say(
    "History recorded on the Deployment (headwind.sh/update-history)",
    JSON.stringify(JSON.parse(history), null, 2),
  );
  say(
    "Kubernetes Events written along the way",
    kubectl(
      "-n",
      "demo",
      "get",
      "events",
      "--sort-by=.metadata.creationTimestamp",
      "-o",
      "custom-columns=TYPE:.type,REASON:.reason,KIND:.involvedObject.kind,NAME:.involvedObject.name,MESSAGE:.message",
    ),
  );
}

async function cleanup(): Promise<void> {
  for (const task of cleanups.reverse()) await task();
}

main()
  .then(async () => {
    await cleanup();
    console.log("\nDemo complete.");
  })
  .catch(async (error: unknown) => {
    console.error("\nDemo failed:", error instanceof Error ? error.message : error);
    await cleanup();
    process.exitCode = 1;
  });
