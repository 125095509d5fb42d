// Which scope an API-key request needs, from its method and path: one table, the first rule whose
// prefix the path is under decides. Dashboard sessions are not scoped (their role decides; see
// requireAdmin). A path no rule names needs `admin`, so a route added outside /v1 later is closed
// to narrower keys until someone decides otherwise.
import { AtlasError } from '../../common/errors.ts'
import type { ApiKeyScope } from '../../drizzle/schema/tenants.ts'

interface ScopeRule {
  prefix: string
  /** GET, HEAD, OPTIONS. */
  reads: ApiKeyScope
  /** Every other method. */
  changes: ApiKeyScope
}

export const SCOPE_RULES: readonly ScopeRule[] = [
  // Workspace configuration (team, rules, queues, gates, Library, settings) and API key management.
  { prefix: '/v1/admin', reads: 'admin', changes: 'admin' },
  // Tickets, conversations, contacts, the Library, product events, notifications …
  { prefix: '/v1', reads: 'read', changes: 'write' },
]

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function requiredScope(method: string, path: string): ApiKeyScope {
  // Lower case, so no spelling of a path can reach a route under a narrower rule than its own.
  const at = path.toLowerCase()
  const rule = SCOPE_RULES.find((r) => at === r.prefix || at.startsWith(`${r.prefix}/`))
  if (!rule) return 'admin'
  return READS.has(method.toUpperCase()) ? rule.reads : rule.changes
}

/** Throws 403 `forbidden` naming the scope the key lacks. */
export function assertKeyScope(scopes: readonly ApiKeyScope[], method: string, path: string): void {
  const needed = requiredScope(method, path)
  if (scopes.includes(needed)) return
  throw new AtlasError(
    'forbidden',
    `This API key lacks the "${needed}" scope, which ${method} ${path} needs (the key has: ${scopes.join(', ')})`,
    { details: { missingScope: needed } },
  )
}
