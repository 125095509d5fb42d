// The fault suite (`npm run test:faults`, server/faults): real server and worker processes on the
// PostgreSQL server, killed, stopped and starved on purpose. One scenario file at a time, since they
// restart processes and PostgreSQL itself; `npm test` leaves these files out (vitest.config.ts).
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['server/faults/**/*.fault.test.ts'],
    globalSetup: ['server/faults/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
})
