import { describe, expect, it } from "vitest";
import {
  listAll,
  listAllPages,
  type Page,
  type PageRequest,
  pageOf,
  pageQuery,
} from "../../../src/kube/list-pages.ts";

describe("pageQuery", () => {
  it("carries the limit, the continue token and extra parameters", () => {
    expect(pageQuery({ limit: 2 })).toBe("limit=2");
    expect(pageQuery({ limit: 2, continueToken: "a b" }, { labelSelector: "x=y" })).toBe(
      "labelSelector=x%3Dy&limit=2&continue=a+b",
    );
  });
});

describe("pageOf", () => {
  it("reads items, the continue token and the resourceVersion; an empty token ends the list", () => {
    expect(pageOf({ items: [1], metadata: { continue: "", resourceVersion: "7" } })).toEqual({
      items: [1],
      continueToken: undefined,
      resourceVersion: "7",
    });
    expect(
      pageOf<{ n: number; k?: string }>({ items: [{ n: 1 }], metadata: { continue: "t" } }, (i) => ({
        ...i,
        k: "K",
      })),
    ).toMatchObject({ items: [{ n: 1, k: "K" }], continueToken: "t" });
    expect(pageOf(undefined).items).toEqual([]);
  });
});

describe("listAll", () => {
  const pages =
    (count: number) =>
    (request: PageRequest): Promise<Page<number>> => {
      const index = Number(request.continueToken ?? 0);
      return Promise.resolve({
        items: [index],
        continueToken: index + 1 < count ? String(index + 1) : undefined,
        resourceVersion: `rv${index}`,
      });
    };

  it("follows continue tokens in order and keeps the first page's resourceVersion", async () => {
    await expect(listAll(pages(3))).resolves.toEqual({ items: [0, 1, 2], resourceVersion: "rv0" });
    await expect(listAllPages(pages(1))).resolves.toEqual([0]);
  });

  it("refuses a server that never stops paginating", async () => {
    await expect(listAll(pages(Number.POSITIVE_INFINITY), 500, 5)).rejects.toThrow(
      "did not end within 5 pages",
    );
  });
});
