// One widget message through the real runtime (local model) with the OpenTelemetry SDK exporting to
// memory: one trace from the HTTP request to the reply's delivery, with the jobs, the ticket
// transitions, the agent turn, its tool and model calls in between, GenAI attributes on the model
// calls, the metrics counted, and no email, phone number or message body anywhere in it.
import { Writable } from 'node:stream'
import { SpanKind, trace } from '@opentelemetry/api'
import { AggregationTemporality, type CollectionResult, MetricReader } from '@opentelemetry/sdk-metrics'
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../common/logger.ts'
import { withSpan } from '../common/tracing.ts'
import { testDatabaseKind } from '../testing/database.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../testing/runtime.ts'
import { startTelemetry, type Telemetry } from './telemetry.ts'

class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE })
  }
  protected async onShutdown() {}
  protected async onForceFlush() {}
}

const EMAIL = 'jane.doe@example.com'
const PHONE = '+44 7700 900123'
const QUESTION = 'How do I reset my password?'
const WITH_PHONE = `Still stuck, please call me on ${PHONE}`

describe(`one widget message, traced (${testDatabaseKind})`, () => {
  const exporter = new InMemorySpanExporter()
  const reader = new TestMetricReader()
  let telemetry: Telemetry
  let t: TestRuntime

  beforeAll(async () => {
    telemetry = await startTelemetry({
      env: {},
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
      metricReaders: [reader],
    })
    t = await startTestRuntime()
  })
  afterAll(async () => {
    await t?.stop()
    await telemetry?.shutdown()
  })

  it('is one trace from the request to the delivered reply, with GenAI attributes and no personal data', async () => {
    const post = async (text: string) => {
      const response = await t.app.request('/v1/widget/demo/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ visitorId: 'traced-1', text, email: EMAIL, name: 'Jane Doe' }),
      })
      expect(response.status).toBe(202)
      // Settled: no job running or due (every span has ended).
      await eventually(async () => {
        const [busy] = await t.runtime.database.query<{ n: number }>(
          `select count(*)::int as n from pgboss.job
            where state = 'active' or (state in ('created', 'retry') and start_after <= now())`,
        )
        return busy!.n === 0 ? true : undefined
      }, 20_000)
    }
    await post(QUESTION)
    const spans = exporter.getFinishedSpans()
    const collected = await reader.collect()
    // A second message with a phone number in it (its trace is only checked for personal data).
    await post(WITH_PHONE)

    const root = spans.find((s) => s.name === 'POST /v1/widget/:widgetKey/messages')!
    expect(root).toBeDefined()
    expect(root.kind).toBe(SpanKind.SERVER)
    expect(root.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/widget/:widgetKey/messages',
      'http.response.status_code': 202,
    })
    const traceId = root.spanContext().traceId
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId)
    const byId = new Map(inTrace.map((s) => [s.spanContext().spanId, s]))
    const parentOf = (s: ReadableSpan) => byId.get(s.parentSpanContext?.spanId ?? '')
    /** Names from the span up to the trace's root. */
    const lineage = (s: ReadableSpan): string[] => {
      const names = [label(s)]
      for (let p = parentOf(s); p; p = parentOf(p)) names.push(label(p))
      return names
    }
    const one = (name: string, where: (s: ReadableSpan) => boolean = () => true) => {
      const found = inTrace.filter((s) => s.name === name && where(s))
      expect(found.map(label), name).toHaveLength(1)
      return found[0]!
    }

    // Every span of the request's trace reaches the request: one connected trace.
    for (const span of inTrace) expect(lineage(span).at(-1)).toBe(label(root))

    const asked = ['CUSTOMER_MESSAGE', 'process atlas.inbound', 'send atlas.inbound', 'ingest', label(root)]
    const decided = one('ticket.transition', (s) => s.attributes['atlas.ticket.event'] === 'AGENT_DECIDED')
    const turn = ['process atlas.agent-turn', 'send atlas.agent-turn', ...asked]
    expect(lineage(decided)).toEqual(['AGENT_DECIDED', ...turn])
    expect(decided.attributes).toMatchObject({ 'atlas.ticket.outcome': 'applied' })
    expect(lineage(one('triage local'))).toEqual(['triage local', 'router.classify', 'agent.turn', ...turn])
    expect(lineage(one('compose local'))).toEqual(['compose local', 'agent.atlas', 'agent.turn', ...turn])
    expect(lineage(one('execute_tool library_search'))).toEqual([
      'execute_tool library_search',
      'agent.atlas',
      'agent.turn',
      ...turn,
    ])
    const delivery = ['process atlas.delivery', 'send atlas.delivery', 'AGENT_DECIDED', ...turn]
    expect(lineage(one('adapter.send'))).toEqual(['adapter.send', ...delivery])
    const delivered = one(
      'ticket.transition',
      (s) => s.attributes['atlas.ticket.event'] === 'REPLY_DELIVERED',
    )
    expect(lineage(delivered)).toEqual(['REPLY_DELIVERED', ...delivery])
    expect(
      one('ticket.transition', (s) => s.attributes['atlas.ticket.event'] === 'CUSTOMER_MESSAGE').attributes,
    ).toMatchObject({ 'atlas.ticket.outcome': 'applied', 'atlas.ticket.opened': true })
    expect(one('process atlas.inbound').kind).toBe(SpanKind.CONSUMER)
    expect(one('send atlas.inbound').kind).toBe(SpanKind.PRODUCER)

    // GenAI semantic conventions on the model calls.
    for (const [name, operation] of [
      ['triage local', 'triage'],
      ['compose local', 'compose'],
    ] as const) {
      const call = one(name)
      expect(call.kind).toBe(SpanKind.CLIENT)
      expect(call.attributes).toMatchObject({
        'gen_ai.operation.name': operation,
        'gen_ai.system': 'local',
        'gen_ai.provider.name': 'local',
        'gen_ai.request.model': 'local',
      })
      expect(call.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0)
      expect(call.attributes['gen_ai.usage.output_tokens']).toBeTypeOf('number')
    }
    expect(one('compose local').attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0)
    expect(one('agent.turn').attributes).toMatchObject({
      'atlas.gate.action': 'auto',
      'gen_ai.agent.name': 'atlas',
    })

    // No email, phone number or message body in any span: names, attributes, events, links.
    const reply = (
      await t.runtime.database.query<{ body: string }>(
        `select body from messages where direction = 'outbound' order by created_at limit 1`,
      )
    )[0]!.body
    const everything = JSON.stringify(
      exporter
        .getFinishedSpans()
        .map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
    )
    for (const secret of [
      EMAIL,
      'jane.doe',
      '7700',
      '900123',
      'reset my password',
      reply.slice(0, 40),
      'Jane',
    ])
      expect(everything, secret).not.toContain(secret)

    // The metrics of that message.
    const { resourceMetrics } = collected as CollectionResult
    const metrics = new Map(
      resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => [m.descriptor.name, m])),
    )
    const points = (name: string) =>
      (metrics.get(name)?.dataPoints ?? []) as Array<{ value: unknown; attributes: object }>
    expect(points('atlas.messages.ingested')).toEqual([
      expect.objectContaining({ value: 1, attributes: { 'atlas.channel.kind': 'widget' } }),
    ])
    expect(points('atlas.gate.outcomes')).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: { 'atlas.agent': 'atlas', 'atlas.gate.action': 'auto' },
      }),
    ])
    expect(points('atlas.triage.duration')).toHaveLength(1)
    expect(points('gen_ai.client.operation.duration').length).toBeGreaterThan(0)
    const depth = points('atlas.queue.depth')
    expect(depth.length).toBeGreaterThan(10)
    expect(depth.every((p) => typeof p.value === 'number')).toBe(true)
    expect(points('atlas.queue.oldest_age').length).toBe(depth.length)
  })

  it('logs name the active trace and span, and keep personal data out', async () => {
    const lines: string[] = []
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk))
        done()
      },
    })
    const logger = createLogger({ destination: sink })
    let ids: { traceId: string; spanId: string } | undefined
    await withSpan('probe', {}, async () => {
      ids = trace.getActiveSpan()!.spanContext()
      logger.info(
        { contact: { email: EMAIL }, body: WITH_PHONE, err: new Error(`smtp refused ${EMAIL} (${PHONE})`) },
        'inside a span',
      )
    })
    const line = JSON.parse(lines[0]!) as Record<string, unknown>
    expect(line).toMatchObject({ trace_id: ids!.traceId, span_id: ids!.spanId, trace_flags: '01' })
    expect(lines[0]).not.toContain(EMAIL)
    expect(lines[0]).not.toContain('900123')
    expect(lines[0]).not.toContain('Still stuck')
  })
})

/** A transition's label is its event; other spans go by name. */
function label(span: ReadableSpan): string {
  return span.name === 'ticket.transition' ? String(span.attributes['atlas.ticket.event']) : span.name
}
