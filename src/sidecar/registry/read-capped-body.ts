/**
 * Reads a registry answer's body up to a byte cap: a registry (possibly a tenant's own) decides
 * what it sends, so no body is read whole on trust. A declared `Content-Length` over the cap is
 * refused before a byte is read; a body that grows past it is cancelled mid-stream. Slow bodies
 * are the request's timeout's to cut (its signal is still attached to the stream).
 */
import { type RegistryResult, registryError } from "./registry-result.ts";

export interface BodyCapContext {
  readonly registry: string;
  /** What the body was meant to be, for the message: "tag list", "token answer", … */
  readonly what: string;
  readonly maxBytes: number;
}

function tooLarge(context: BodyCapContext): RegistryResult<never> {
  const detail = `${context.registry} sent a ${context.what} larger than ${context.maxBytes} bytes; not read`;
  return { ok: false, error: registryError("protocol", context.registry, detail) };
}

export async function readCappedBody(
  response: Response,
  context: BodyCapContext,
): Promise<RegistryResult<Uint8Array>> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > context.maxBytes) {
    await response.body?.cancel();
    return tooLarge(context);
  }
  if (response.body === null) return { ok: true, value: new Uint8Array() };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      if (size > context.maxBytes) {
        await reader.cancel();
        return tooLarge(context);
      }
      chunks.push(read.value);
    }
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const detail = `${context.registry} stopped sending its ${context.what} (${reason})`;
    return { ok: false, error: registryError("unavailable", context.registry, detail) };
  }
  return { ok: true, value: Buffer.concat(chunks, size) };
}

/** The capped body parsed as JSON; undefined (not an error) when it is not JSON, for the caller to judge. */
export async function readCappedJson(
  response: Response,
  context: BodyCapContext,
): Promise<RegistryResult<unknown>> {
  const read = await readCappedBody(response, context);
  if (!read.ok) return read;
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(read.value)) as unknown };
  } catch {
    return { ok: true, value: undefined };
  }
}
