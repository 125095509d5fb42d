// An exclusive lock on a PGlite data folder. PGlite is single-process: a second process writing the
// same folder corrupts it, so the second one must fail fast. A lock left by a killed process
// (SIGKILL leaves the file behind) is recognised by its dead pid and taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AtlasError } from '../common/errors.ts'

export interface DataDirLock {
  release(): void
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, 'atlas.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' })
      let released = false
      return {
        release() {
          if (released) return
          released = true
          rmSync(path, { force: true })
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10)
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new AtlasError(
          'database_locked',
          `The data folder ${dataDir} is in use by process ${holder}. Embedded PGlite serves one process; ` +
            'stop the other one, or set DATABASE_URL to run several processes on PostgreSQL.',
        )
      }
      rmSync(path, { force: true }) // stale: its process is gone
    }
  }
  throw new AtlasError('database_locked', `Could not lock the data folder ${dataDir}.`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
