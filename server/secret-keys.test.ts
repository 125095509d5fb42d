// Where the secret key comes from: ATLAS_SECRET_KEY (with old keys still opening), or — only on the
// zero-config demo without DATABASE_URL — a key generated once into the data folder (mode 0600), said
// in the log, and read back on every later start.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger, silentLogger } from '../common/logger.ts'
import { generateSecretKey, parseSecretKey, SecretBox } from '../common/secret-box.ts'
import { loadConfig } from './config.ts'
import { GENERATED_KEY_FILE, loadSecretBox } from './secret-keys.ts'

const dirs: string[] = []
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-key-'))
  dirs.push(dir)
  return join(dir, 'data')
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function capturedLogger() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  return { logger: createLogger({ level: 'info', destination: stream }), lines }
}

describe('loadSecretBox', () => {
  it('uses ATLAS_SECRET_KEY, and ATLAS_SECRET_KEYS_OLD only to open', () => {
    const [current, old] = [generateSecretKey(), generateSecretKey()]
    const dir = dataDir()
    const box = loadSecretBox(
      loadConfig({ ATLAS_DATA_DIR: dir, ATLAS_SECRET_KEY: current, ATLAS_SECRET_KEYS_OLD: old }),
      silentLogger,
    )
    expect(box.current.id).toBe(parseSecretKey(current, 'K').id)
    const sealedByOld = new SecretBox(parseSecretKey(old, 'K')).seal('s3cret', 'here')
    expect(box.open(sealedByOld, 'here')).toBe('s3cret')
    expect(box.needsResealing(sealedByOld)).toBe(true)
    // No key file when the variable is set.
    expect(() => statSync(join(dir, GENERATED_KEY_FILE))).toThrow()
  })

  it('on the demo, generates a key once into the data folder (0600), says so, and reads it back', () => {
    const dir = dataDir()
    const first = capturedLogger()
    const box = loadSecretBox(loadConfig({ ATLAS_DATA_DIR: dir }), first.logger)
    const path = join(dir, GENERATED_KEY_FILE)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(parseSecretKey(readFileSync(path, 'utf8'), path).id).toBe(box.current.id)
    expect(first.lines.join('')).toContain('generated the key that encrypts channel secrets')
    // The log says where, never what.
    expect(first.lines.join('')).not.toContain(readFileSync(path, 'utf8').trim())

    const second = capturedLogger()
    const again = loadSecretBox(loadConfig({ ATLAS_DATA_DIR: dir }), second.logger)
    expect(again.current.id).toBe(box.current.id)
    expect(again.open(box.seal('s3cret', 'here'), 'here')).toBe('s3cret')
    expect(second.lines).toEqual([])
  })

  it('refuses a damaged key file, naming it', () => {
    const dir = dataDir()
    loadSecretBox(loadConfig({ ATLAS_DATA_DIR: dir }), silentLogger)
    writeFileSync(join(dir, GENERATED_KEY_FILE), 'not a key\n')
    expect(() => loadSecretBox(loadConfig({ ATLAS_DATA_DIR: dir }), silentLogger)).toThrow(
      `${join(dir, GENERATED_KEY_FILE)} must be a 32-byte key`,
    )
  })

  it('never falls back to a file with DATABASE_URL', () => {
    const config = { ...loadConfig({ ATLAS_DATA_DIR: dataDir() }), databaseUrl: 'postgres://u@db/atlas' }
    expect(() => loadSecretBox(config, silentLogger)).toThrow(
      'ATLAS_SECRET_KEY is required with DATABASE_URL',
    )
  })
})
