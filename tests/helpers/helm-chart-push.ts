/**
 * Pushes a Helm chart to an OCI registry the way `helm push` lays it out: the packaged chart
 * (`<name>-<version>.tgz`, made by the system `tar`) as the one layer, Chart.yaml as JSON as the
 * config, Helm's media types, and the OCI annotations Helm writes, under the version as tag.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { pushImage } from "./registry-push.ts";

const run = promisify(execFile);

export async function packageChart(name: string, version: string): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "headwind-chart-"));
  try {
    await mkdir(join(dir, name, "templates"), { recursive: true });
    await writeFile(
      join(dir, name, "Chart.yaml"),
      stringify({ apiVersion: "v2", name, version, type: "application" }),
    );
    await writeFile(
      join(dir, name, "templates", "configmap.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n",
    );
    const file = join(dir, `${name}-${version}.tgz`);
    await run("tar", ["-czf", file, "-C", dir, name]);
    return new Uint8Array(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function pushChart(
  origin: string,
  repository: string,
  name: string,
  version: string,
  created?: string,
): Promise<string> {
  return pushImage(origin, repository, [version.replaceAll("+", "_")], {
    configDocument: { apiVersion: "v2", name, version, type: "application" },
    configMediaType: "application/vnd.cncf.helm.config.v1+json",
    layerMediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
    layer: await packageChart(name, version),
    annotations: {
      "org.opencontainers.image.title": name,
      "org.opencontainers.image.version": version,
      ...(created ? { "org.opencontainers.image.created": created } : {}),
    },
  });
}
