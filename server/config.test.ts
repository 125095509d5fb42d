import { describe, expect, it } from 'vitest'
import { parseSecretKey } from '../common/secret-box.ts'
import { loadConfig } from './config.ts'

const KEY = Buffer.alloc(32, 1).toString('base64')
const OLD_KEY = Buffer.alloc(32, 2).toString('hex')

describe('configuration', () => {
  it('has working defaults: embedded PGlite in .atlas-data on port 3000', () => {
    expect(loadConfig({})).toMatchObject({
      role: 'all',
      port: 3000,
      databaseUrl: undefined,
      dataDir: '.atlas-data',
      modelCacheDir: '.atlas-data/models',
      seedDemo: true,
      gate: {},
      autoCloseSeconds: 96 * 3600,
    })
  })

  it('reads the environment', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        DATABASE_URL: 'postgres://u@db:5432/atlas',
        ATLAS_SECRET_KEY: KEY,
        ATLAS_SECRET_KEYS_OLD: `${OLD_KEY}, ${KEY}`,
        ATLAS_GATE_AUTO: '0.8',
        ATLAS_SEED_DEMO: 'false',
        ATLAS_AUTO_CLOSE_HOURS: '1.5',
      },
      'worker',
    )
    expect(config).toMatchObject({
      role: 'worker',
      port: 8080,
      databaseUrl: 'postgres://u@db:5432/atlas',
      seedDemo: false,
      autoCloseSeconds: 5400,
    })
    expect(config.gate.auto).toBe(0.8)
    expect(config.secretKey).toEqual(parseSecretKey(KEY, 'K'))
    expect(config.oldSecretKeys).toEqual([parseSecretKey(OLD_KEY, 'K'), parseSecretKey(KEY, 'K')])
  })

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: must be a postgres:// connection string'],
    [{ ATLAS_GATE_AUTO: '1.5' }, 'ATLAS_GATE_AUTO'],
    [{ ATLAS_DEMO_API_KEY: 'short' }, 'ATLAS_DEMO_API_KEY: must be at least 16 characters'],
    [{ ATLAS_SEED_DEMO: 'maybe' }, 'ATLAS_SEED_DEMO'],
    [
      { DATABASE_URL: 'postgres://u@db:5432/atlas' },
      'ATLAS_SECRET_KEY is required with DATABASE_URL: it encrypts channel secrets in the database',
    ],
    [{ ATLAS_SECRET_KEY: 'hunter2' }, 'ATLAS_SECRET_KEY: must be a 32-byte key, as 64 hex digits or base64'],
    [
      { ATLAS_SECRET_KEY: KEY, ATLAS_SECRET_KEYS_OLD: `${OLD_KEY},short` },
      'ATLAS_SECRET_KEYS_OLD.1: must be',
    ],
    [
      { ATLAS_GATE_AUTO: '0.3', ATLAS_GATE_REVIEW: '0.5' },
      'ATLAS_GATE_REVIEW (0.5) must not exceed ATLAS_GATE_AUTO (0.3)',
    ],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
    try {
      loadConfig(env)
    } catch (error) {
      expect((error as { code: string }).code).toBe('config_invalid')
    }
  })
})
