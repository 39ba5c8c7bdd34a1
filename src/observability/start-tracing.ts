/**
 * Traces go to an OTLP/HTTP collector when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise the
 * OpenTelemetry API stays a no-op and costs nothing. Returns the tracer and a shutdown that flushes.
 */
import { type Tracer, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

export function startTracing(
  serviceName: string,
  endpoint: string | undefined,
): { tracer: Tracer; shutdown: () => Promise<void> } {
  if (endpoint === undefined) return { tracer: trace.getTracer(serviceName), shutdown: async () => {} };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, "")}/v1/traces` })),
    ],
  });
  provider.register();
  return { tracer: trace.getTracer(serviceName), shutdown: () => provider.shutdown() };
}
