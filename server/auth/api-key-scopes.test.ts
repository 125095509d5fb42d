// The scope table: reads on /v1 need read, changes need write, anything under /v1/admin needs admin
// whatever the method or spelling, and a path no rule names needs admin.
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { assertKeyScope, requiredScope } from './api-key-scopes.ts'

describe('requiredScope', () => {
  it.each([
    ['GET', '/v1/conversations', 'read'],
    ['HEAD', '/v1/tickets/TKT-10001', 'read'],
    ['OPTIONS', '/v1/today', 'read'],
    ['get', '/v1/events', 'read'],
    ['GET', '/v1/auth/me', 'read'],
    ['POST', '/v1/tickets/TKT-10001/reply', 'write'],
    ['PATCH', '/v1/contacts/8c4f', 'write'],
    ['PUT', '/v1/notification-preferences', 'write'],
    ['DELETE', '/v1/anything', 'write'],
    ['POST', '/v1/product-events', 'write'],
    ['GET', '/v1/admin', 'admin'],
    ['GET', '/v1/admin/tags', 'admin'],
    ['POST', '/v1/admin/api-keys', 'admin'],
    ['DELETE', '/v1/admin/tags/1', 'admin'],
    ['GET', '/V1/ADMIN/tags', 'admin'],
    ['GET', '/v1/Admin/api-keys', 'admin'],
    // Not under the admin prefix: a sibling that merely starts with the same letters.
    ['GET', '/v1/administrators', 'read'],
    ['GET', '/v2/anything', 'admin'],
    ['GET', '/', 'admin'],
  ] as const)('%s %s needs %s', (method, path, scope) => {
    expect(requiredScope(method, path)).toBe(scope)
  })
})

describe('assertKeyScope', () => {
  it('passes a key with the scope and refuses one without it, naming the missing scope', () => {
    expect(() => assertKeyScope(['read'], 'GET', '/v1/today')).not.toThrow()
    let error: unknown
    try {
      assertKeyScope(['read'], 'POST', '/v1/tickets/TKT-10001/reply')
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(AtlasError)
    expect(error).toMatchObject({
      code: 'forbidden',
      status: 403,
      details: { missingScope: 'write' },
      message:
        'This API key lacks the "write" scope, which POST /v1/tickets/TKT-10001/reply needs (the key has: read)',
    })
  })
})
