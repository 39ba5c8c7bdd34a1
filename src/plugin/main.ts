#!/usr/bin/env node
/**
 * kubectl-headwind: people's side of Headwind from a terminal, as the user (their kubeconfig, their
 * rights). `kubectl headwind <command>` finds it on PATH (npm install -g, or a krew-style copy).
 */
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { KubeApiError } from "../kube/kube-api-error.ts";
import { type CommandContext, type CommandResult, UsageError } from "./command.ts";
import { decideCommand } from "./decide-command.ts";
import { explainRefusal } from "./explain-refusal.ts";
import { formatTable } from "./format-table.ts";
import { historyCommand } from "./history-command.ts";
import { listCommand } from "./list-command.ts";
import { planCommand } from "./plan-command.ts";
import { loadPluginClient } from "./plugin-client.ts";
import { rollbackCommand } from "./rollback-command.ts";
import { statusCommand } from "./status-command.ts";

const usage = `Usage: kubectl headwind <command> [options]

Commands:
  list                         UpdateRequests, pending first (all namespaces unless -n)
  approve NAME                 approve a pending UpdateRequest, as you
  reject NAME --reason TEXT    reject it, with a reason
  history KIND/NAME            what ran on a workload, newest first
  rollback KIND/NAME [--container C] [--to IMAGE]
                               go back to the previous image (or IMAGE from the history)
  plan KIND/NAME               what Headwind would propose now; changes nothing
  status                       Metacontroller, the DecoratorControllers, the sidecar's polls

Options:
  -n, --namespace NS           namespace (default: the kubeconfig context's)
  -A, --all-namespaces         list across namespaces
  -o, --output json|yaml       print the objects instead of a table
      --phase PHASE            list only this phase
      --kubeconfig FILE, --context NAME
      --headwind-namespace NS  where Headwind runs (default headwind)
      --metacontroller-namespace NS (default metacontroller)`;

const commands: Record<string, (ctx: CommandContext) => Promise<CommandResult>> = {
  list: listCommand,
  approve: (ctx) => decideCommand(ctx, "approve"),
  reject: (ctx) => decideCommand(ctx, "reject"),
  history: historyCommand,
  rollback: rollbackCommand,
  plan: planCommand,
  status: statusCommand,
};

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      namespace: { type: "string", short: "n" },
      "all-namespaces": { type: "boolean", short: "A" },
      output: { type: "string", short: "o" },
      kubeconfig: { type: "string" },
      context: { type: "string" },
      container: { type: "string", short: "c" },
      to: { type: "string" },
      reason: { type: "string" },
      phase: { type: "string" },
      "headwind-namespace": { type: "string" },
      "metacontroller-namespace": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function print(result: CommandResult, output: string | undefined): void {
  for (const note of result.notes ?? []) process.stderr.write(`${note}\n`);
  if (output === "json") process.stdout.write(`${JSON.stringify(result.data, null, 2)}\n`);
  else if (output === "yaml") process.stdout.write(stringify(result.data));
  else if (result.table) {
    if (result.table.rows.length === 0) process.stderr.write("No resources found.\n");
    else process.stdout.write(`${formatTable(result.table)}\n`);
  } else process.stdout.write(`${result.text ?? ""}\n`);
}

function contextOf(values: ReturnType<typeof parse>["values"], args: string[]): CommandContext {
  const client = loadPluginClient({ kubeconfig: values.kubeconfig, context: values.context });
  return {
    client,
    namespace: values.namespace ?? client.contextNamespace,
    namespaceGiven: values.namespace !== undefined,
    allNamespaces: values["all-namespaces"] === true,
    headwindNamespace: values["headwind-namespace"] ?? "headwind",
    metacontrollerNamespace: values["metacontroller-namespace"] ?? "metacontroller",
    args,
    options: { container: values.container, to: values.to, reason: values.reason, phase: values.phase },
    now: Date.now(),
  };
}

async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [name, ...args] = positionals;
  const command = name === undefined ? undefined : commands[name];
  if (values.help || command === undefined) {
    (command === undefined && !values.help ? process.stderr : process.stdout).write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  if (values.output !== undefined && !["json", "yaml"].includes(values.output))
    throw new UsageError(`--output must be json or yaml, not ${JSON.stringify(values.output)}`);
  const ctx = contextOf(values, args);
  try {
    print(await command(ctx), values.output);
    return 0;
  } catch (error) {
    const refusal = explainRefusal(name ?? "", ctx.namespace, error);
    if (refusal === undefined) throw error;
    process.stderr.write(`${refusal}\n`);
    return 1;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof KubeApiError || error instanceof TypeError;
    process.stderr.write(`error: ${known ? (error as Error).message : String(error)}\n`);
    process.exitCode = 1;
  },
);
