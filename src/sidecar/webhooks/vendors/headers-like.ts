/** The part of the Fetch `Headers` the parsers read, so tests can pass a plain object. */
export interface HeadersLike {
  get(name: string): string | null;
}
