/** A hook request that is well-formed JSON but not something this hook can answer (HTTP 422). */
export class HookInputError extends Error {
  override readonly name = "HookInputError";
}
