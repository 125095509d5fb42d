// postinstall: patches postgres.js 3.4.9 (the driver under drizzle) against a crash the fault suite
// found (server/faults/postgres-restart.fault.test.ts). When PostgreSQL restarts, a small write that
// was deferred with setImmediate fires after the socket closed: `socket.write` on null throws from a
// timer, which no caller can catch, and the whole process exits (porsager/postgres#1066, #1154,
// #1208; unreleased upstream). The same teardown also leaves the deferred write's buffer and timer
// behind, so a reconnected socket could send stale bytes or never flush again.
//
// The patch: teardown forgets the pending write, and a write with no socket rejects its queries
// with CONNECTION_CLOSED (the error callers already handle) instead of throwing. Idempotent; plain
// JavaScript so any Node runs it. Remove it once a postgres.js release carries the fix.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const MARKER = 'atlas-desk patch: null-socket writes'
const PATCHED_VERSION = '3.4.9'

const require = createRequire(import.meta.url)
let root
try {
  // The package exports no ./package.json: find its folder from its CommonJS entry (cjs/src/index.js).
  root = join(dirname(require.resolve('postgres')), '..', '..')
} catch {
  console.warn('scripts/patch-postgres.mjs: postgres.js is not installed; nothing to patch')
  process.exit(0)
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
if (version !== PATCHED_VERSION) {
  console.warn(
    `scripts/patch-postgres.mjs: postgres.js is ${version}, the patch is for ${PATCHED_VERSION}; not applied. ` +
      'Check whether the new version still crashes on a closed socket (npm run test:faults), then update or remove this script.',
  )
  process.exit(0)
}

/** [what to find, what to put instead, how many times it must occur] */
const EDITS = [
  [
    '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `  function nextWrite(fn) {\n    // ${MARKER}: the socket closed after this write was deferred.\n    if (!socket) {\n      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
    1,
  ],
  // terminate() and closed(): a deferred write dies with its socket, and the next socket starts clean.
  [
    '\n    clearImmediate(nextWriteTimer)\n',
    '\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n',
    2,
  ],
]

for (const file of ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js']) {
  const path = join(root, file)
  if (!existsSync(path)) continue
  let source = readFileSync(path, 'utf8')
  if (source.includes(MARKER)) continue
  for (const [find, replace, times] of EDITS) {
    const found = source.split(find).length - 1
    if (found !== times) {
      console.error(
        `scripts/patch-postgres.mjs: ${file} does not look like postgres.js ${PATCHED_VERSION} (found ${found}× instead of ${times}×):\n${find}`,
      )
      process.exit(1)
    }
    source = source.split(find).join(replace)
  }
  writeFileSync(path, source)
}
