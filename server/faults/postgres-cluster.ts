// Stopping and starting the local PostgreSQL cluster (Debian's pg_ctlcluster, as CI runs it; the
// suite runs as root). Other suites may share this server: keep it down briefly, and always bring
// it back, even when a test fails half-way.
import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { promisify } from 'node:util'
import { sleep } from './deployment.ts'

const run = promisify(execFile)

/** The installed major version, as `.ci/run` finds it (`ls /etc/postgresql`). */
function clusterVersion(): string {
  const [version] = readdirSync('/etc/postgresql').sort().reverse()
  if (!version)
    throw new Error('No PostgreSQL cluster under /etc/postgresql: the fault suite needs the local server')
  return version
}

async function ctl(action: 'start' | 'stop', ...args: string[]) {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', clusterVersion(), 'main', action, ...args])
}

export async function isPostgresReady(): Promise<boolean> {
  try {
    await run('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432'])
    return true
  } catch {
    return false
  }
}

/** Fast shutdown: sessions are disconnected and in-flight transactions roll back, as in a crash or failover. */
export async function stopPostgres(): Promise<void> {
  await ctl('stop', '-m', 'fast')
}

/** Starts the cluster (if it is not running) and waits until it accepts connections. */
export async function startPostgres(timeoutMs = 60_000): Promise<void> {
  if (!(await isPostgresReady())) await ctl('start').catch(() => {})
  const deadline = Date.now() + timeoutMs
  while (!(await isPostgresReady())) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL did not come back within ${timeoutMs} ms`)
    await sleep(200)
  }
}
