// Test runner settings. Database suites (`*.db.test.ts`) run on embedded PGlite by default and
// on PostgreSQL when ATLAS_TEST_DATABASE_URL is set (see testing/database.ts and .ci/run). The fault
// suite (`*.fault.test.ts`) has its own config and command: `npm run test:faults`.
import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{agents,machines,tools,adapters,common,evals,server,drizzle,testing}/**/*.test.ts'],
    exclude: [...configDefaults.exclude, '**/*.fault.test.ts'],
    // pg-boss takes a few seconds to start on PGlite, and the crash suite restarts processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
