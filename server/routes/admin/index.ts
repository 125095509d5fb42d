// The admin API (/v1/admin: everything that changes how the workspace works, API keys included;
// admins only, and an API key needs the admin scope) and the workspace API (/v1/workspace: what
// every operator reads, and their own availability). The app mounts them behind `authenticate`
// (+ `requireAdmin` for /v1/admin); every query here is scoped to the caller's tenant.
import { Hono } from 'hono'
import type { Runtime } from '../../runtime.ts'
import { agentGateRoutes, type GateRuntime } from './agent-gates.ts'
import { apiKeyRoutes } from './api-keys.ts'
import { cannedResponseRoutes } from './canned-responses.ts'
import type { Env } from './common.ts'
import { customFieldRoutes } from './custom-fields.ts'
import { customerSuccessSettingsRoutes } from './customer-success.ts'
import { libraryAdminRoutes } from './library-admin.ts'
import { queueRoutes } from './queues.ts'
import { routingRuleRoutes } from './routing-rules.ts'
import { tagRoutes } from './tags.ts'
import { teamRoutes } from './team.ts'

export { workspaceRoutes } from './workspace.ts'

export function adminRoutes(runtime: Pick<Runtime, 'database' | 'logger'> & GateRuntime) {
  const app = new Hono<Env>()
  app.route('/team', teamRoutes(runtime))
  app.route('/canned-responses', cannedResponseRoutes(runtime))
  app.route('/tags', tagRoutes(runtime))
  app.route('/custom-fields', customFieldRoutes(runtime))
  app.route('/queues', queueRoutes(runtime))
  app.route('/routing-rules', routingRuleRoutes(runtime))
  app.route('/agents', agentGateRoutes(runtime))
  app.route('/library', libraryAdminRoutes(runtime))
  app.route('/api-keys', apiKeyRoutes(runtime))
  app.route('/', customerSuccessSettingsRoutes(runtime))
  return app
}
