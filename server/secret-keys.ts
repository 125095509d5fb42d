// The key that encrypts secrets at rest (common/secret-box.ts): ATLAS_SECRET_KEY, with the keys of
// ATLAS_SECRET_KEYS_OLD still opening what they sealed before a rotation. The zero-config demo
// (embedded PGlite, no DATABASE_URL) needs no variable: it generates a key once into its data folder,
// where the key lives and goes with the data it protects. With DATABASE_URL the variable is required
// (config.ts), so the key is never kept next to a database it does not travel with.
import { randomUUID } from 'node:crypto'
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { AtlasError } from '../common/errors.ts'
import type { Logger } from '../common/logger.ts'
import { generateSecretKey, parseSecretKey, SecretBox, type SecretKey } from '../common/secret-box.ts'
import type { Config } from './config.ts'

export const GENERATED_KEY_FILE = 'secret-key'

const UNKNOWN_KEY_HINT =
  ': set ATLAS_SECRET_KEY to the key it was encrypted with, or add that key to ATLAS_SECRET_KEYS_OLD'

export function loadSecretBox(
  config: Pick<Config, 'secretKey' | 'oldSecretKeys' | 'databaseUrl' | 'dataDir'>,
  logger: Logger,
): SecretBox {
  let current = config.secretKey
  if (!current) {
    if (config.databaseUrl) {
      // loadConfig refuses this already; a hand-made Config must not fall back to a file either.
      throw new AtlasError(
        'config_invalid',
        'Invalid configuration: ATLAS_SECRET_KEY is required with DATABASE_URL',
      )
    }
    current = generatedKey(config.dataDir, logger)
  }
  return new SecretBox(current, config.oldSecretKeys, { unknownKeyHint: UNKNOWN_KEY_HINT })
}

/** The demo's key in `<dataDir>/secret-key` (mode 0600), created on first start. */
function generatedKey(dataDir: string, logger: Logger): SecretKey {
  const path = join(dataDir, GENERATED_KEY_FILE)
  if (!existsSync(path)) createKeyFile(path, logger)
  return parseSecretKey(readFileSync(path, 'utf8'), path)
}

/**
 * Written aside, then linked into place: of two processes starting at once, one creates the file and
 * the other reads it whole, never half-written.
 */
function createKeyFile(path: string, logger: Logger): void {
  mkdirSync(dirname(path), { recursive: true })
  const draft = `${path}.${randomUUID()}`
  writeFileSync(draft, `${generateSecretKey()}\n`, { mode: 0o600, flag: 'wx' })
  try {
    linkSync(draft, path)
    logger.info(
      { path },
      'generated the key that encrypts channel secrets; it stays with the data folder (set ATLAS_SECRET_KEY to use your own)',
    )
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    rmSync(draft, { force: true })
  }
}
