// Test runner settings. Database suites (`*.db.test.ts`) run on embedded PGlite by default and
// on PostgreSQL when ATLAS_TEST_DATABASE_URL is set (see testing/database.ts and .ci/run).
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{agents,machines,tools,adapters,evals,server,drizzle,testing}/**/*.test.ts'],
    // pg-boss takes a few seconds to start on PGlite, and the crash suite restarts processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
