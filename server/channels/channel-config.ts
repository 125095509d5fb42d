// A channel's config as stored: the secret fields of its kind (adapters/index.ts, secretFieldsFor)
// encrypted with the deployment's key and bound to the channel's id and the field's name; every other
// field stays readable. Every writer seals through sealChannelConfig and every reader opens through
// openChannelConfig, so a secret is plaintext only in memory, for the call that needs it.
import { type ChannelKind, secretFieldsFor } from '../../adapters/index.ts'
import { isSealed, type SecretBox, unreadable } from '../../common/secret-box.ts'

export type ChannelConfig = Record<string, unknown>

export interface StoredChannel {
  id: string
  kind: ChannelKind
  config: ChannelConfig
}

/** The associated data of a channel's secret: the ciphertext opens only in this row and field. */
export function secretContext(channelId: string, field: string): string {
  return `channels/${channelId}/${field}`
}

/** The config to store for channel `id`: its kind's secret fields sealed, already sealed ones kept. */
export function sealChannelConfig(
  box: SecretBox,
  channel: { id: string; kind: ChannelKind },
  config: ChannelConfig,
): ChannelConfig {
  return mapSecrets(channel.kind, config, (value, field) =>
    typeof value === 'string' && !isSealed(value) ? box.seal(value, secretContext(channel.id, field)) : value,
  )
}

/**
 * The config with its secrets decrypted, for the adapter that uses them. A secret that does not
 * decrypt (unknown key, altered, copied from another channel) or is stored unencrypted throws
 * `secret_unreadable`: nothing runs on a secret that is not the one this channel was given.
 */
export function openChannelConfig(box: SecretBox, channel: StoredChannel): ChannelConfig {
  return mapSecrets(channel.kind, channel.config, (value, field) => {
    const context = secretContext(channel.id, field)
    if (typeof value !== 'string' || !isSealed(value)) {
      throw unreadable(
        'plaintext',
        `The secret at ${context} is stored unencrypted (it is encrypted at the next start)`,
      )
    }
    return box.open(value, context)
  })
}

/** A copy of `config` with `change` applied to each secret field present (dotted paths: `auth.pass`). */
export function mapSecrets(
  kind: ChannelKind,
  config: ChannelConfig,
  change: (value: unknown, field: string) => unknown,
): ChannelConfig {
  const copy = structuredClone(config)
  for (const field of secretFieldsFor(kind)) {
    const path = field.split('.')
    const last = path.pop()!
    let parent: unknown = copy
    for (const part of path) parent = (parent as Record<string, unknown> | undefined)?.[part]
    if (!parent || typeof parent !== 'object' || Array.isArray(parent)) continue
    const record = parent as Record<string, unknown>
    if (record[last] === undefined) continue
    record[last] = change(record[last], field)
  }
  return copy
}
