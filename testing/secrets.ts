// The secret key test runtimes and processes encrypt channel secrets with (ATLAS_SECRET_KEY), and a
// SecretBox over it for suites that call job handlers directly.
import { parseSecretKey, SecretBox } from '../common/secret-box.ts'

/** 32 bytes, base64: fixed, so processes a suite starts on one database share it. */
export const TEST_SECRET_KEY = 'YXRsYXMtZGVzay10ZXN0LXNlY3JldC1rZXktMzJieXQ='

export function testSecretBox(): SecretBox {
  return new SecretBox(parseSecretKey(TEST_SECRET_KEY, 'TEST_SECRET_KEY'))
}
