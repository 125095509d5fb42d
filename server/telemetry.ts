// OpenTelemetry for the process, configured only by the standard OTEL_* variables: traces and
// metrics over OTLP (http/protobuf by default, http/json or grpc by OTEL_EXPORTER_OTLP_PROTOCOL) to
// OTEL_EXPORTER_OTLP_ENDPOINT (or the per-signal *_TRACES_/*_METRICS_ENDPOINT), named by
// OTEL_SERVICE_NAME (default atlas-desk). With no endpoint and no exporter chosen, or with
// OTEL_SDK_DISABLED=true, nothing is loaded or registered: the API stays the no-op.
import { diag } from '@opentelemetry/api'
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node'
import { createLogger } from '../common/logger.ts'

export interface Telemetry {
  readonly enabled: boolean
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>
}

export interface TelemetryOptions {
  env?: NodeJS.ProcessEnv
  /** Tests: export to these instead of what the environment says (turns telemetry on). */
  spanProcessors?: NodeSDKConfiguration['spanProcessors']
  metricReaders?: NodeSDKConfiguration['metricReaders']
}

const OFF: Telemetry = { enabled: false, shutdown: async () => {} }

const isTrue = (value: string | undefined) => value?.trim().toLowerCase() === 'true'
const chosen = (value: string | undefined) =>
  !!value?.trim() && !value.split(',').every((v) => ['none', ''].includes(v.trim()))

/** Whether the environment asks for telemetry: an OTLP endpoint, or an exporter named, and not disabled. */
export function telemetryEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (isTrue(env.OTEL_SDK_DISABLED)) return false
  return (
    !!env.OTEL_EXPORTER_OTLP_ENDPOINT ||
    !!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    !!env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ||
    chosen(env.OTEL_TRACES_EXPORTER) ||
    chosen(env.OTEL_METRICS_EXPORTER)
  )
}

export async function startTelemetry(options: TelemetryOptions = {}): Promise<Telemetry> {
  const env = options.env ?? process.env
  const injected = !!(options.spanProcessors || options.metricReaders)
  if (!injected && !telemetryEnabled(env)) return OFF
  // Loaded only when on: the SDK and its exporters are a cost a process without telemetry skips.
  const { NodeSDK } = await import('@opentelemetry/sdk-node')
  const logger = createLogger({ name: 'otel', level: env.LOG_LEVEL })
  if (!env.OTEL_LOG_LEVEL) {
    // Export failures and other SDK complaints, in the process's own log.
    diag.setLogger(
      {
        error: (message, ...args) => logger.warn({ args }, `opentelemetry: ${message}`),
        warn: (message, ...args) => logger.warn({ args }, `opentelemetry: ${message}`),
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      { suppressOverrideMessage: true },
    )
  }
  const config: Partial<NodeSDKConfiguration> = {}
  const named = env.OTEL_SERVICE_NAME || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '')
  if (!named) config.serviceName = 'atlas-desk'
  if (injected) {
    config.spanProcessors = options.spanProcessors ?? []
    config.metricReaders = options.metricReaders ?? []
  } else {
    // A signal without an endpoint of its own or a shared one, and no exporter named, stays off
    // (rather than exporting to the default localhost:4318 nobody listens on).
    const shared = !!env.OTEL_EXPORTER_OTLP_ENDPOINT
    if (!shared && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT && !chosen(env.OTEL_TRACES_EXPORTER))
      config.spanProcessors = []
    if (!shared && !env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT && !chosen(env.OTEL_METRICS_EXPORTER))
      config.metricReaders = []
  }
  // Atlas writes its logs with pino (with trace ids); OTLP logs only when asked for by name.
  if (!chosen(env.OTEL_LOGS_EXPORTER)) config.logRecordProcessors = []
  const sdk = new NodeSDK(config)
  sdk.start()
  let stopped: Promise<void> | undefined
  return {
    enabled: true,
    shutdown: () => {
      stopped ??= sdk.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'telemetry shutdown'))
      return stopped
    },
  }
}
