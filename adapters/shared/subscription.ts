// Meta's webhook subscription handshake (WhatsApp, Messenger, Instagram): a GET with hub.mode,
// hub.verify_token and hub.challenge; echoing the challenge proves we own the endpoint.
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import { safeEqual } from './safe-equal.ts'

const HandshakeQuery = z.object({
  'hub.mode': z.string().max(64),
  'hub.verify_token': z.string().max(1024),
  'hub.challenge': z.string().min(1).max(1024),
})

/**
 * The `hub.challenge` to answer with (as text/plain, status 200), or a `forbidden` AtlasError the route
 * answers 403 with: wrong mode, wrong token, or a query that is not a handshake.
 */
export function verifySubscription(query: Record<string, string | undefined>, verifyToken: string): string {
  if (!verifyToken) throw new AtlasError('config_invalid', 'No verify token is configured for this webhook')
  const handshake = parseInput(HandshakeQuery, query, 'subscription handshake query', 'forbidden')
  if (handshake['hub.mode'] !== 'subscribe') {
    throw new AtlasError('forbidden', `hub.mode must be "subscribe" (got "${handshake['hub.mode']}")`)
  }
  if (!safeEqual(handshake['hub.verify_token'], verifyToken)) {
    throw new AtlasError(
      'forbidden',
      'hub.verify_token does not match the verify token configured for this channel',
    )
  }
  return handshake['hub.challenge']
}
