// Telemetry off costs nothing: with no OTEL_* variables nothing is registered and the API stays its
// no-op. And what is exported never carries an email, a phone number or a message body by default.
import {
  metrics,
  context as otelContext,
  type ProxyTracerProvider,
  propagation,
  trace,
} from '@opentelemetry/api'
import { afterEach, describe, expect, it } from 'vitest'
import {
  includeContent,
  redactAttributes,
  redactText,
  traceContextOf,
  withSpan,
  withTraceContext,
} from '../common/tracing.ts'
import { startTelemetry, telemetryEnabled } from './telemetry.ts'

describe('telemetry off', () => {
  it('registers nothing without an endpoint: the global providers are the API no-ops', async () => {
    const telemetry = await startTelemetry({ env: {} })
    expect(telemetry.enabled).toBe(false)
    await telemetry.shutdown()

    const tracerProvider = trace.getTracerProvider() as ProxyTracerProvider
    expect(tracerProvider.getDelegate().constructor.name).toBe('NoopTracerProvider')
    expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider')
    const span = trace.getTracer('probe').startSpan('probe')
    expect(span.isRecording()).toBe(false)
    expect(span.spanContext().traceId).toBe('00000000000000000000000000000000')

    // Nothing propagated: job data goes out unchanged (the very same object).
    const carrier: Record<string, string> = {}
    propagation.inject(otelContext.active(), carrier)
    expect(carrier).toEqual({})
    const job = { ticketId: 't1', turn: 1 }
    expect(withTraceContext(job)).toBe(job)
    expect(traceContextOf(job)).toBeNull()
    await expect(withSpan('probe', { 'atlas.x': 1 }, async (s) => s.isRecording())).resolves.toBe(false)
  })

  it('turns on for an endpoint or a named exporter, and never when disabled', () => {
    expect(telemetryEnabled({})).toBe(false)
    expect(telemetryEnabled({ OTEL_SERVICE_NAME: 'atlas' })).toBe(false)
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true)
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(
      true,
    )
    expect(telemetryEnabled({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true)
    expect(telemetryEnabled({ OTEL_TRACES_EXPORTER: 'none' })).toBe(false)
    expect(
      telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' }),
    ).toBe(false)
  })
})

describe('personal data in telemetry', () => {
  afterEach(() => {
    delete process.env.ATLAS_TELEMETRY_INCLUDE_CONTENT
  })

  it('masks emails and phone numbers, and leaves dates, times, ids and addresses alone', () => {
    expect(redactText('mail jane.doe+x@mail.example.co.uk now')).toBe('mail [email] now')
    expect(redactText('call +44 7700 900123 or (555) 123-4567 or 15551234567')).toBe(
      'call [phone] or [phone] or [phone]',
    )
    for (const keep of [
      'at 2026-01-31 10:00:00+00',
      'ticket 550e8400-e29b-41d4-a716-446655440000',
      'connect ECONNREFUSED 192.168.100.200:5432',
      'TKT-10001 turn 3, 1234 ms',
    ])
      expect(redactText(keep)).toBe(keep)
  })

  it('drops content attributes and masks the rest, unless content is opted in', () => {
    const attributes = {
      'atlas.message.body': 'How do I reset my password?',
      'gen_ai.input.messages': '[{"role":"user"}]',
      'contact.email': 'jane@example.com',
      'url.query': 'email=jane@example.com&page=2',
      'atlas.ticket.id': 'f7be4819-4b5a-4433-aac2-259e7d5baa30',
      'gen_ai.usage.input_tokens': 12,
    }
    expect(redactAttributes(attributes)).toEqual({
      'url.query': 'email=[email]&page=2',
      'atlas.ticket.id': 'f7be4819-4b5a-4433-aac2-259e7d5baa30',
      'gen_ai.usage.input_tokens': 12,
    })
    process.env.ATLAS_TELEMETRY_INCLUDE_CONTENT = 'true'
    expect(includeContent()).toBe(true)
    expect(redactAttributes(attributes)).toEqual(attributes)
  })
})
