// The whole schema, as drizzle-kit and the database factory see it.
export * from './channels.ts'
export * from './contacts.ts'
export * from './conversations.ts'
export * from './customer-success.ts'
export * from './library.ts'
export * from './team.ts'
export * from './tenants.ts'
export * from './tickets.ts'
