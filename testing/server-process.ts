// Runs `node server/main.ts` as a child process, the way `npm start` (or `npm run server` /
// `npm run worker`) does, for suites that kill and restart the real thing.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { TEST_SECRET_KEY } from './secrets.ts'

const MAIN = fileURLToPath(new URL('../server/main.ts', import.meta.url))

export type ProcessRole = 'all' | 'server' | 'worker'

export interface ServerProcess {
  /** Where it serves HTTP; empty for a worker, which serves nothing. */
  url: string
  role: ProcessRole
  child: ChildProcess
  output(): string
  /** Resolves with the exit code (or the signal's name) once the process has gone. */
  exited: Promise<number | string>
  kill(signal: NodeJS.Signals): Promise<number | string>
}

export interface StartOptions {
  /** `all` (the default) serves HTTP and runs the workers; `server` and `worker` need PostgreSQL. */
  role?: ProcessRole
  timeoutMs?: number
}

/** What each role prints once it is ready (server/main.ts): the banner, or the worker's line. */
const READY: Record<ProcessRole, RegExp> = {
  all: /running at (http:\/\/localhost:\d+)/,
  server: /running at (http:\/\/localhost:\d+)/,
  worker: /Atlas Desk worker is running/,
}

export async function startServerProcess(
  env: Record<string, string>,
  options: StartOptions | number = {},
): Promise<ServerProcess> {
  const { role = 'all', timeoutMs = 90_000 } = typeof options === 'number' ? { timeoutMs: options } : options
  const args = role === 'all' ? [MAIN] : [MAIN, '--role', role]
  const child = spawn(process.execPath, args, {
    // One secret key for every process a suite starts (required with DATABASE_URL).
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ATLAS_SECRET_KEY: TEST_SECRET_KEY,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => {
    output += chunk
  })
  child.stderr!.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(signal ?? code ?? -1))
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${role} process did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    )
    const check = () => {
      const match = READY[role].exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]?.replace('localhost', '127.0.0.1') ?? '')
      }
    }
    child.stdout!.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${role} process exited (${code}) before it started:\n${output}`))
    })
  })
  return {
    url,
    role,
    child,
    output: () => output,
    exited,
    kill(signal) {
      child.kill(signal)
      return exited
    },
  }
}
