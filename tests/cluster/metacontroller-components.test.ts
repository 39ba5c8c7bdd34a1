// The Metacontroller tuning Headwind ships, as kustomize components: the client limits and
// workers for Metacontroller's own install, and the option of a dedicated instance that manages
// only Headwind's controllers. Rendered with kubectl's kustomize and accepted by the apiserver (dry
// run). The cluster tests run Metacontroller with exactly these flags (tests/helpers/metacontroller.ts).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { adminConfig, installCrds, kubeRequest, locate, statusCode } from "../helpers/cluster.ts";
import { instanceLabel, shippedTuning } from "../helpers/metacontroller.ts";
import { kubectlBin, runOk } from "../helpers/run-command.ts";

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

type Container = { name: string; args?: string[] };
type Rendered = KubernetesObject & {
  spec?: { template?: { spec?: { containers?: Container[]; serviceAccountName?: string } } };
};

let kc: KubeConfig;
let scratch: string;

beforeAll(async () => {
  kc = adminConfig();
  scratch = await mkdtemp(join(tmpdir(), "headwind-mc-components-"));
  await installCrds(kc, new URL("../fixtures/crds/metacontroller-crds-v1.yaml", import.meta.url));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** `kubectl kustomize` of a kustomization with these resources and components (kustomize wants relative paths). */
async function render(name: string, resources: string[], components: string[]): Promise<Rendered[]> {
  const dir = join(scratch, name);
  await mkdir(dir, { recursive: true });
  const rel = (paths: string[]) => paths.map((p) => relative(dir, repo(p)));
  await writeFile(
    join(dir, "kustomization.yaml"),
    JSON.stringify({ resources: rel(resources), components: rel(components) }),
  );
  const { stdout } = await runOk(kubectlBin, ["kustomize", dir]);
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as Rendered | null)
    .filter((o): o is Rendered => o !== null);
}

const argsOf = (o: Rendered | undefined) => o?.spec?.template?.spec?.containers?.[0]?.args ?? [];

/**
 * Server-side dry run (into its namespace, created if missing): accepted, nothing stored. Forced,
 * because other test files' controllers of the same names carry labels of their own managers.
 */
async function dryRun(object: Rendered): Promise<void> {
  const namespace = object.metadata?.namespace;
  try {
    if (namespace) await kubeRequest(kc, "POST", "/api/v1/namespaces", { metadata: { name: namespace } });
  } catch (error) {
    if (statusCode(error) !== 409) throw error;
  }
  const { path } = await locate(kc, object);
  await kubeRequest(
    kc,
    "PATCH",
    `${path}?fieldManager=headwind-tests&dryRun=All&force=true`,
    object,
    "application/apply-patch+yaml",
  );
}

describe("manifests/components/metacontroller-tuning", () => {
  it("adds the client limits and workers to Metacontroller's own StatefulSet, after its own args", async () => {
    const [statefulSet] = await render(
      "tuning",
      ["tests/fixtures/metacontroller-install"],
      ["manifests/components/metacontroller-tuning"],
    );
    const tuning = await shippedTuning();
    expect(tuning).toEqual(["--client-go-qps=200", "--client-go-burst=400", "--workers=40"]);
    expect(argsOf(statefulSet)).toEqual(["--zap-log-level=4", "--discovery-interval=20s", ...tuning]);
    await dryRun(statefulSet as Rendered);
  });
});

describe("manifests/components/metacontroller-dedicated", () => {
  it("labels Headwind's two controllers and adds an instance that selects only them, tuned", async () => {
    const bundle = await render(
      "dedicated",
      ["manifests"],
      ["manifests/components/metacontroller-dedicated"],
    );
    const controllers = bundle.filter((o) => o.kind === "DecoratorController");
    expect(controllers.map((o) => [o.metadata?.name, o.metadata?.labels?.[instanceLabel]])).toEqual([
      ["headwind-updaterequests", "dedicated"],
      ["headwind-workloads", "dedicated"],
    ]);
    const instance = bundle.find((o) => o.kind === "StatefulSet");
    expect(instance?.metadata).toMatchObject({
      name: "metacontroller-headwind",
      namespace: "metacontroller",
    });
    expect(instance?.spec?.template?.spec?.serviceAccountName).toBe("metacontroller");
    expect(argsOf(instance)).toEqual(
      expect.arrayContaining([
        ...(await shippedTuning()),
        `--target-label-selector=${instanceLabel}=dedicated`,
      ]),
    );
    await dryRun(instance as Rendered);
    for (const controller of controllers) await dryRun(controller);
  });
});
