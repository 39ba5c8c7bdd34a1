/** What every plugin command gets, and what it gives back to be printed. */
import type { Table } from "./format-table.ts";
import type { PluginClient } from "./plugin-client.ts";

export interface CommandOptions {
  readonly container?: string | undefined;
  readonly to?: string | undefined;
  readonly reason?: string | undefined;
  readonly phase?: string | undefined;
}

export interface CommandContext {
  readonly client: PluginClient;
  /** `-n`, else the kubeconfig context's namespace. */
  readonly namespace: string;
  /** True when `-n` was given: a command that would look across namespaces stays in this one. */
  readonly namespaceGiven: boolean;
  readonly allNamespaces: boolean;
  readonly headwindNamespace: string;
  readonly metacontrollerNamespace: string;
  /** The words after the command name. */
  readonly args: readonly string[];
  readonly options: CommandOptions;
  readonly now: number;
}

export interface CommandResult {
  /** What `-o json|yaml` prints. */
  readonly data: unknown;
  /** What is printed otherwise: a table, or a line of text. */
  readonly table?: Table;
  readonly text?: string;
  /** Said on stderr: what the output leaves out and why. */
  readonly notes?: readonly string[];
}

/** A refusal the user can act on: printed as is, exit code 1. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
