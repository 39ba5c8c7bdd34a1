import type { KubeTransport } from "./create-kube-transport.ts";
import { type ListAll, listAll, pageOf, pageQuery } from "./list-pages.ts";

/** Every item of a collection (`resourcePath(...)`), page by page, with any selector in `query`. */
export function listCollection<T>(
  transport: KubeTransport,
  path: string,
  query: Record<string, string> = {},
  limit = 500,
): Promise<ListAll<T>> {
  return listAll(
    async (page) => pageOf<T>(await transport({ method: "GET", path: `${path}?${pageQuery(page, query)}` })),
    limit,
  );
}
