// Passwords: Argon2id through @node-rs/argon2 (the library's defaults are OWASP's recommended
// m=19 MiB, t=2, p=1). Only the PHC string is stored; verification runs in constant time.
import { hash, verify } from '@node-rs/argon2'
import { z } from 'zod'

export const PasswordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters')

export function hashPassword(password: string): Promise<string> {
  return hash(password)
}

// Checked when the address is unknown, so a wrong address takes as long as a wrong password and
// sign-in does not reveal which addresses have accounts.
const DECOY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$Qm1w0OF1xllXEwKLK/6i+Q$v1sR8txgIxNbP3yOx+B0mX23elytF3zbv0NMg7Wc0Q8'

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  try {
    const ok = await verify(passwordHash ?? DECOY_HASH, password)
    return ok && passwordHash !== null
  } catch {
    // A malformed stored hash is a failed sign-in, not a crash.
    return false
  }
}
