// The real server (`node server/main.ts`) exporting over OTLP/HTTP (http/json) to a receiver in this
// test, configured by the OTEL_* variables alone: one widget message is one connected trace from the
// HTTP request through ingest, the jobs, the ticket transitions, the agent turn and its model calls to
// the reply's send; the metrics arrive too, flushed when the process stops on SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../testing/database.ts'
import { eventually } from '../testing/runtime.ts'
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts'

interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  attributes?: Array<{ key: string; value: Record<string, unknown> }>
}

interface Received {
  spans: OtlpSpan[]
  metrics: string[]
  serviceNames: Set<string>
  contentTypes: Set<string>
}

/** A minimal OTLP/HTTP receiver (JSON encoding): keeps the spans and the names of the metrics. */
function startReceiver(): Promise<{ server: Server; url: string; received: Received }> {
  const received: Received = { spans: [], metrics: [], serviceNames: new Set(), contentTypes: new Set() }
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => {
      body += chunk
    })
    request.on('end', () => {
      received.contentTypes.add(String(request.headers['content-type']))
      const payload = JSON.parse(body || '{}') as {
        resourceSpans?: Array<{ resource?: unknown; scopeSpans: Array<{ spans: OtlpSpan[] }> }>
        resourceMetrics?: Array<{
          resource?: unknown
          scopeMetrics: Array<{ metrics: Array<{ name: string }> }>
        }>
      }
      for (const rs of payload.resourceSpans ?? []) {
        received.serviceNames.add(serviceName(rs.resource))
        for (const ss of rs.scopeSpans) received.spans.push(...ss.spans)
      }
      for (const rm of payload.resourceMetrics ?? []) {
        for (const sm of rm.scopeMetrics) received.metrics.push(...sm.metrics.map((m) => m.name))
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      done({ server, url: `http://127.0.0.1:${port}`, received })
    })
  })
}

function serviceName(resource: unknown): string {
  const attributes = (resource as { attributes?: OtlpSpan['attributes'] })?.attributes ?? []
  return String(attributes.find((a) => a.key === 'service.name')?.value.stringValue)
}

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes?.find((a) => a.key === key)?.value
  return value && Object.values(value)[0]
}

describe(`the server exports one trace per message over OTLP (${testDatabaseKind})`, () => {
  let dataDir: string
  let testDb: TestDatabase | undefined
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let server: ServerProcess | undefined

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'atlas-otel-'))
    receiver = await startReceiver()
    const env: Record<string, string> = {
      ATLAS_DATA_DIR: dataDir,
      ATLAS_DEMO_API_KEY: 'atlas_otel_test_key_0123456789',
      ATLAS_MODEL_CACHE_DIR: resolve('.tmp/model-cache'),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'atlas-otel-test',
      // Export soon after each span ends (the default batches for 5 s).
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    }
    if (testDatabaseKind === 'postgres') {
      testDb = await createTestDatabase()
      env.DATABASE_URL = testDb.url!
    }
    server = await startServerProcess(env)
  })

  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.kill('SIGKILL')
    receiver?.server.close()
    await testDb?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('one widget message: request → ingest → job → transition → agent → model → send, one trace id', async () => {
    const response = await fetch(`${server!.url}/v1/widget/demo/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        visitorId: 'otel-1',
        text: 'How do I reset my password?',
        email: 'otel@example.com',
      }),
    })
    expect(response.status).toBe(202)

    const root = await eventually(
      async () => receiver.received.spans.find((s) => s.name === 'POST /v1/widget/:widgetKey/messages'),
      20_000,
      'the request span',
    )
    const trace = () => receiver.received.spans.filter((s) => s.traceId === root.traceId)
    await eventually(
      async () => (trace().some((s) => s.name === 'process atlas.delivery') ? true : undefined),
      30_000,
      'the delivery job span',
    )
    await eventually(
      async () => (receiver.received.metrics.includes('atlas.queue.depth') ? true : undefined),
      10_000,
      'the queue gauges',
    )
    // SIGTERM: in-flight work finishes, then the SDK flushes what it still holds (and the metrics).
    expect(await server!.kill('SIGTERM')).toBe(0)

    const spans = trace()
    const names = new Set(spans.map((s) => s.name))
    for (const name of [
      'POST /v1/widget/:widgetKey/messages',
      'ingest',
      'send atlas.inbound',
      'process atlas.inbound',
      'ticket.transition',
      'send atlas.agent-turn',
      'process atlas.agent-turn',
      'agent.turn',
      'router.classify',
      'triage local',
      'compose local',
      'execute_tool library_search',
      'send atlas.delivery',
      'process atlas.delivery',
      'adapter.send',
    ])
      expect(names, name).toContain(name)
    expect(
      spans.filter((s) => s.name === 'ticket.transition').map((s) => attribute(s, 'atlas.ticket.event')),
    ).toEqual(expect.arrayContaining(['CUSTOMER_MESSAGE', 'AGENT_DECIDED', 'REPLY_DELIVERED']))
    // Connected: every span's parent is in the trace, up to the request's span, the only root.
    expect(root.parentSpanId ?? '').toBe('')
    const ids = new Set(spans.map((s) => s.spanId))
    for (const span of spans) if (span !== root) expect(ids, span.name).toContain(span.parentSpanId)
    expect(attribute(spans.find((s) => s.name === 'compose local')!, 'gen_ai.system')).toBe('local')
    expect(JSON.stringify(spans)).not.toContain('otel@example.com')
    expect(JSON.stringify(spans)).not.toContain('reset my password')

    expect(receiver.received.serviceNames).toEqual(new Set(['atlas-otel-test']))
    expect(receiver.received.contentTypes).toEqual(new Set(['application/json']))
    for (const metric of [
      'atlas.messages.ingested',
      'atlas.gate.outcomes',
      'atlas.triage.duration',
      'atlas.queue.depth',
    ])
      expect(receiver.received.metrics, metric).toContain(metric)
  })
})
