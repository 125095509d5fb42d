// A worker process on simulated time, for suites that run several workers on one PostgreSQL: the
// same runtime as `npm run worker` (server/main.ts --role worker), except that the ticket host's
// clock reads the instant the test wrote to ATLAS_SIM_CLOCK_FILE. Test-only: nothing in server/
// knows about it. Prints "sim-worker ready" once its job handlers are registered.
import { readFileSync } from 'node:fs'
import { createLogger } from '../common/logger.ts'
import { loadConfig } from '../server/config.ts'
import { startRuntime } from '../server/runtime.ts'

const clockFile = process.env.ATLAS_SIM_CLOCK_FILE
if (!clockFile) throw new Error('sim-worker needs ATLAS_SIM_CLOCK_FILE')

/** The simulated instant; the test replaces the file atomically (write, then rename). */
const clock = () => new Date(Number(readFileSync(clockFile, 'utf8')))

const config = loadConfig(process.env, 'worker')
const logger = createLogger({ level: config.logLevel })
const runtime = await startRuntime(config, logger, { clock })
process.stdout.write('sim-worker ready\n')

const stop = async () => {
  await runtime.stop()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
