/** A small, honest in-memory RegistryClient for poller unit tests: answers from a table, records calls. */
import type { RegistryClient } from "../../src/sidecar/registry/create-registry-client.ts";
import { type RegistryResult, registryError } from "../../src/sidecar/registry/registry-result.ts";

export interface FakeRepository {
  readonly tags?: readonly string[];
  readonly digests?: Readonly<Record<string, string>>;
  readonly fail?: "unauthorized" | "unavailable";
  readonly complete?: boolean;
  /** Tag → creation time (epoch seconds) its image config says. */
  readonly created?: Readonly<Record<string, number>>;
}

export function fakeRegistryClient(repositories: Readonly<Record<string, FakeRepository>>) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const track = async <T>(call: string, answer: () => RegistryResult<T>): Promise<RegistryResult<T>> => {
    calls.push(call);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight -= 1;
    return answer();
  };
  const client: RegistryClient = {
    listTags: (key, credentials) =>
      track(`list ${key}${credentials ? ` as ${credentials.username}` : ""}`, () => {
        const repository = repositories[key];
        if (repository?.fail)
          return { ok: false, error: registryError(repository.fail, "reg", `${key} failed`) };
        if (repository?.tags === undefined)
          return { ok: false, error: registryError("not-found", "reg", `${key} does not exist`, 404) };
        return {
          ok: true,
          value: { tags: repository.tags, pages: 1, complete: repository.complete ?? true },
        };
      }),
    headDigest: (key, tag) =>
      track(`head ${key}:${tag}`, () => {
        const digest = repositories[key]?.digests?.[tag];
        if (digest === "fail")
          return { ok: false, error: registryError("unavailable", "reg", "HEAD failed", 503) };
        return digest === undefined
          ? { ok: false, error: registryError("not-found", "reg", `${key}:${tag} does not exist`, 404) }
          : { ok: true, value: digest };
      }),
    imageCreated: (key, tag, credentials) =>
      track(`created ${key}:${tag}${credentials ? ` as ${credentials.username}` : ""}`, () => ({
        ok: true,
        value: repositories[key]?.created?.[tag],
      })),
  };
  return { client, calls, maxInFlight: () => maxInFlight };
}
