// Debian's chromium for the browser suites, driven by playwright-core. Without a browser the
// suites skip, unless ATLAS_REQUIRE_BROWSER (CI) says one must be there.
import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const browserAvailable = existsSync(CHROMIUM)
if (!browserAvailable && process.env.ATLAS_REQUIRE_BROWSER) {
  throw new Error(
    `ATLAS_REQUIRE_BROWSER is set but there is no browser at ${CHROMIUM} (apt-get install chromium)`,
  )
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Serves `fetch` over real HTTP on a free loopback port. */
export async function serveOnLoopback(
  fetch: Parameters<typeof serve>[0]['fetch'],
): Promise<{ origin: string; close(): void }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
}
