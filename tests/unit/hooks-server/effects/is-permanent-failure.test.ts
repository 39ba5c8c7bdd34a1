import { describe, expect, it } from "vitest";
import { isPermanentFailure } from "../../../../src/hooks-server/effects/is-permanent-failure.ts";

describe("isPermanentFailure", () => {
  // columns: apiserver status (0: no answer) | ends the request
  it.each<[number | undefined, boolean]>([
    [400, true],
    [403, true],
    [404, true],
    [422, true],
    [409, false],
    [429, false],
    [500, false],
    [503, false],
    [0, false],
    [401, false],
    [undefined, false],
  ])("%s: %s", (status, permanent) => {
    expect(isPermanentFailure(status)).toBe(permanent);
  });
});
