// Entry point. `npm start` runs server and worker in one process on embedded PGlite (or on
// PostgreSQL when DATABASE_URL is set); `--role server` / `--role worker` run them apart.
import { parseArgs } from 'node:util'
import { serve } from '@hono/node-server'
import { AtlasError } from '../common/errors.ts'
import { createLogger } from '../common/logger.ts'
import { createApp } from './app.ts'
import { loadAtlasConfig } from './atlas-config.ts'
import { loadConfig, type Role } from './config.ts'
import { startRuntime } from './runtime.ts'
import { startTelemetry } from './telemetry.ts'

async function main() {
  // First: OpenTelemetry from the OTEL_* variables (nothing at all when none asks for it).
  const telemetry = await startTelemetry()
  const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' } } })
  const role = values.role as Role
  if (!['all', 'server', 'worker'].includes(role)) {
    throw new AtlasError('config_invalid', `--role must be all, server or worker (got "${role}")`)
  }
  const config = loadConfig(process.env, role)
  const logger = createLogger({ level: config.logLevel })
  const extra = await loadAtlasConfig()
  const runtime = await startRuntime(config, logger, { agents: extra.agents, tools: extra.tools })

  let server: ReturnType<typeof serve> | undefined
  if (role !== 'worker') {
    const app = createApp(runtime)
    server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s))
    })
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : config.port
    printBanner(runtime.database.kind, port, runtime.demo)
  } else {
    // Its job handlers are registered: supervisors (and the fault suite) wait for this line.
    process.stdout.write(
      `Atlas Desk worker is running  (database: ${runtime.database.kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'})\n`,
    )
  }

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing in-flight work')
    server?.close()
    await runtime.stop()
    // The spans and metrics of the work that just finished, exported before the process goes.
    await telemetry.shutdown()
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

function printBanner(database: string, port: number, demo: { apiKey: string; widgetKey: string } | null) {
  const url = `http://localhost:${port}`
  const lines = [
    '',
    `Atlas Desk is running at ${url}  (database: ${database === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'})`,
  ]
  if (demo) {
    lines.push(
      '',
      `Demo tenant API key: ${demo.apiKey}`,
      '',
      'Try it: send a chat-widget message, wait a second, read the conversation:',
      `  id=$(curl -s -X POST ${url}/v1/widget/${demo.widgetKey}/messages -H 'content-type: application/json' -d '{"visitorId":"visitor-1","text":"How do I reset my password?"}' | sed -E 's/.*"conversationId":"([^"]+)".*/\\1/'); sleep 1; curl -s ${url}/v1/conversations/$id -H 'authorization: Bearer ${demo.apiKey}'`,
      '',
      `The chat widget on a demo page: ${url}/`,
      `The operator dashboard: ${url}/app  (admin@quillstack.example / atlas-demo-admin, or agent@quillstack.example / atlas-demo-agent)`,
      `Channel webhooks: ${url}/webhooks/whatsapp/whatsapp, /webhooks/meta/messenger, /webhooks/meta/instagram,`,
      '  /webhooks/email/email, /webhooks/mentions/mentions (README "Channels" has a curl line for each).',
      '',
    )
  }
  process.stdout.write(`${lines.join('\n')}\n`)
}

main().catch((error: unknown) => {
  const atlas = error instanceof AtlasError ? error : null
  console.error(atlas ? `atlas: ${atlas.message}` : error)
  process.exit(1)
})
