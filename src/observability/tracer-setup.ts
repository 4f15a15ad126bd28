import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';

const TRACER_NAME = 'iam-gateway';

export interface GatewayTracer {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

// The SDK registers process-wide providers, so gateways sharing a process share one SDK; the last
// to close flushes and stops it.
let shared: { sdk: Promise<NodeSDK>; users: number } | null = null;

async function startSdk(): Promise<NodeSDK> {
  // Loaded only when tracing is on: the SDK and its exporters are heavy to import.
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    // serviceName overrides the resource detectors, so OTEL_SERVICE_NAME is passed on explicitly.
    serviceName: process.env.OTEL_SERVICE_NAME?.trim() || TRACER_NAME,
    // Traces only: metrics are Prometheus' (/metrics) and logs are pino's; without these the SDK
    // would start OTLP metric and log exporters by default.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  // Exporters, protocol, endpoint, headers, sampler: all from the standard OTEL_* variables.
  sdk.start();
  return sdk;
}

/**
 * The gateway's tracer: from an injected provider (tests install one with an in-memory exporter),
 * from the OpenTelemetry SDK configured by OTEL_* when tracing is enabled, else none.
 */
export async function setupTracer(options: { enabled: boolean; provider?: TracerProvider }): Promise<GatewayTracer | null> {
  if (options.provider !== undefined) {
    // The caller owns an injected provider and shuts it down.
    return { tracer: options.provider.getTracer(TRACER_NAME), shutdown: async () => {} };
  }
  if (!options.enabled) return null;
  shared ??= { sdk: startSdk(), users: 0 };
  const mine = shared;
  mine.users += 1;
  try {
    await mine.sdk;
  } catch (error) {
    mine.users -= 1;
    if (shared === mine) shared = null;
    throw error;
  }
  let released = false;
  return {
    tracer: trace.getTracer(TRACER_NAME),
    shutdown: async () => {
      if (released) return;
      released = true;
      mine.users -= 1;
      if (mine.users > 0) return;
      if (shared === mine) shared = null;
      await (await mine.sdk).shutdown();
    },
  };
}
