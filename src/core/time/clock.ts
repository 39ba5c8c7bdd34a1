/**
 * The one injected clock: milliseconds since the epoch, like `Date.now`. A number because both
 * deployables compare and add durations (TTLs, backoffs, expiries) far more than they format, and a
 * number cannot be mutated by whoever it is handed to the way a Date can. Pure decisions take the
 * reading itself (`now: number`, same unit), never the clock; edges that write a timestamp convert
 * with `new Date(now).toISOString()` (docs/decisions/one-clock-one-result.md).
 */
export type Clock = () => number;
