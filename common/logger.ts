// The structured logger (pino). Library code logs through this, never console.log.
import { isSpanContextValid, trace } from '@opentelemetry/api'
import { pino } from 'pino'
import { maskPersonalData } from './tracing.ts'

export type Logger = pino.Logger

// Message bodies, emails and phones are personal data: never log them by field name.
const PERSONAL_FIELDS = ['body', 'fullBody', 'text', 'email', 'contactEmail', 'phone', 'question']
// Credentials by the names they travel under (channel configs, request headers and bodies). Nothing
// logs them today (server/no-secrets-in-logs.db.test.ts); this keeps a careless `{ config }` or
// `{ headers }` added later from printing one.
const SECRET_FIELDS = [
  'password',
  'pass',
  'secret',
  'token',
  'apiKey',
  'accessToken',
  'pageAccessToken',
  'appSecret',
  'verifyToken',
  'webhookSecret',
  'smtpUrl',
  'csrfToken',
  'authorization',
  'cookie',
  '["proxy-authorization"]',
  '["set-cookie"]',
  '["x-csrf-token"]',
  '["x-hub-signature-256"]',
  '["x-atlas-signature"]',
]
const REDACT_PATHS = [...PERSONAL_FIELDS, ...SECRET_FIELDS].flatMap((f) => {
  const child = f.startsWith('[') ? f : `.${f}`
  return [f, `*${child}`, `*.*${child}`]
})

export function createLogger(
  options: { level?: string; name?: string; destination?: pino.DestinationStream } = {},
): Logger {
  const settings: pino.LoggerOptions = {
    name: options.name ?? 'atlas',
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // Errors quote what they failed on (an address a provider refused): emails and phones masked.
    serializers: { err: serializeError },
    // Each line logged inside a span names its trace, so logs and traces join up.
    mixin: traceFields,
  }
  return options.destination ? pino(settings, options.destination) : pino(settings)
}

function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan()
  if (!span) return {}
  const context = span.spanContext()
  if (!isSpanContextValid(context)) return {}
  return {
    trace_id: context.traceId,
    span_id: context.spanId,
    trace_flags: context.traceFlags.toString(16).padStart(2, '0'),
  }
}

function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown
  if (!serialized || typeof serialized !== 'object') return serialized
  const e = serialized as { message?: unknown; stack?: unknown }
  return {
    ...e,
    ...(typeof e.message === 'string' ? { message: maskPersonalData(e.message) } : {}),
    ...(typeof e.stack === 'string' ? { stack: maskPersonalData(e.stack) } : {}),
  }
}

/** A logger that drops everything, for tests and embedded use. */
export const silentLogger: Logger = pino({ level: 'silent' })
