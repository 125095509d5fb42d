// drizzle-kit: `npm run db:generate` writes SQL migrations from drizzle/schema into drizzle/migrations.
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/schema/index.ts',
  out: './drizzle/migrations',
  casing: 'snake_case',
})
