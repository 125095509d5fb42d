// Spans through the OpenTelemetry API. Without an SDK registered (the default) the API is a no-op
// that costs next to nothing; server/telemetry.ts registers one from the OTEL_* variables.
// Personal data stays out of spans: attribute values pass through `redactAttributes` (emails and
// phone numbers masked, message bodies dropped) unless ATLAS_TELEMETRY_INCLUDE_CONTENT=true.
import {
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api'

const tracer = trace.getTracer('atlas-desk')

export interface SpanOptions {
  kind?: SpanKind
  links?: Link[]
  /** The parent; the active context when omitted. */
  parent?: Context
}

export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  run: (span: Span) => Promise<T>,
  options: SpanOptions = {},
): Promise<T> {
  const spanOptions = {
    attributes: redactAttributes(attributes),
    ...(options.kind === undefined ? {} : { kind: options.kind }),
    ...(options.links ? { links: options.links } : {}),
  }
  return tracer.startActiveSpan(name, spanOptions, options.parent ?? context.active(), async (span) => {
    try {
      return await run(span)
    } catch (error) {
      recordError(span, error)
      throw error
    } finally {
      span.end()
    }
  })
}

/** Sets attributes on a span (redacted like `withSpan`'s); nothing is computed when it is not recording. */
export function setSpanAttributes(span: Span, attributes: Attributes | (() => Attributes)): void {
  if (!span.isRecording()) return
  span.setAttributes(redactAttributes(typeof attributes === 'function' ? attributes() : attributes))
}

/** Marks the span failed; the exception's message is redacted like attributes (errors quote input). */
export function recordError(span: Span, error: unknown): void {
  if (!span.isRecording()) return
  const err = error instanceof Error ? error : new Error(String(error))
  const message = redactText(err.message)
  span.recordException({ name: err.name, message, ...(err.stack ? { stack: redactText(err.stack) } : {}) })
  span.setStatus({ code: SpanStatusCode.ERROR, message })
}

// --- W3C trace context across the job queue ---------------------------------------------------

/** Where a job's data carries the trace context of the code that enqueued it. */
export const TRACE_CONTEXT_FIELD = 'traceContext'

/**
 * `data` with the active trace context (W3C traceparent, tracestate) added; `data` itself when there
 * is none (telemetry off). `link`: the job runs later (a timer), so it starts a trace of its own that
 * links to this one instead of growing it for hours.
 */
export function withTraceContext<T extends object>(data: T, options: { link?: boolean } = {}): T {
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  if (Object.keys(carrier).length === 0) return data
  return { ...data, [TRACE_CONTEXT_FIELD]: options.link ? { ...carrier, link: '1' } : carrier }
}

/** The trace context a job's data carries, and whether the job should link to it rather than continue it. */
export function traceContextOf(data: unknown): { context: Context; link: boolean } | null {
  const carrier =
    data && typeof data === 'object' ? (data as Record<string, unknown>)[TRACE_CONTEXT_FIELD] : undefined
  if (!carrier || typeof carrier !== 'object') return null
  const extracted = propagation.extract(ROOT_CONTEXT, carrier as Record<string, string>)
  if (!trace.getSpanContext(extracted)) return null
  return { context: extracted, link: (carrier as Record<string, unknown>).link === '1' }
}

// --- Personal data ---------------------------------------------------------------------------

/** Opt-in: message bodies, emails and phone numbers may appear in spans (never by default). */
export function includeContent(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ATLAS_TELEMETRY_INCLUDE_CONTENT === 'true'
}

/** Attribute names whose values are content (message bodies, prompts, replies, addresses). */
const CONTENT_KEY =
  /(^|[._])(body|text|message|messages|content|prompt|completion|email|phone|input\.messages|output\.messages)$/i
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g
// A phone number: 9–15 digits, optionally grouped by spaces, dots, dashes or parentheses, with an
// optional leading +. Dates (8 digits), times, IPv4 addresses and ids with letters next to the
// digits are left alone.
const PHONE = /(?<![\w.:-])\+?\(?\d[\d\s().-]{7,}\d(?![\w:-]|\.\d)/g
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/** Masks email addresses and phone numbers in free text, unless content is opted in. */
export function redactText(text: string): string {
  return includeContent() ? text : maskPersonalData(text)
}

/** Masks email addresses and phone numbers in free text, always (logs). */
export function maskPersonalData(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, '').length
    return digits >= 9 && digits <= 15 && !IPV4.test(match) ? '[phone]' : match
  })
}

/** Attributes safe to export: content keys dropped, emails and phone numbers masked in the rest. */
export function redactAttributes(attributes: Attributes): Attributes {
  if (includeContent()) return attributes
  const safe: Attributes = {}
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue
    if (CONTENT_KEY.test(key)) continue
    safe[key] = redactValue(value)
  }
  return safe
}

function redactValue(value: AttributeValue): AttributeValue {
  if (typeof value === 'string') return redactText(value)
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? redactText(v) : v)) as AttributeValue
  return value
}

/** Content attributes, only when ATLAS_TELEMETRY_INCLUDE_CONTENT=true (an empty object otherwise). */
export function contentAttributes(attributes: () => Attributes): Attributes {
  return includeContent() ? attributes() : {}
}
