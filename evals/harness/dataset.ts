// Reads eval datasets: JSON Lines of cases, an optional `{"dataset": …}` header first, `#` comments.
// Every line is checked against the case schema; a bad line is reported with its file and line
// number, and case ids must be unique across everything loaded.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AtlasError } from '../../common/errors.ts'
import { CaseSchema, DatasetHeaderSchema, type EvalCase } from './case.ts'
import { loadCustomers, type SeededCustomer } from './customers.ts'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const DEMO_LIBRARY = join(REPO_ROOT, 'server/demo/library')
/** What `npm run eval` runs when no dataset is named. */
export const DEFAULT_DATASETS = [join(REPO_ROOT, 'evals/datasets/quillstack')]

export interface Dataset {
  name: string
  /** Files the cases came from. */
  files: string[]
  /** Absolute path of the Library folder the cases are run against. */
  library: string
  /** Other customers seeded into the tenant (the header's `customers` file), if any. */
  customers: SeededCustomer[]
  /** Whether every turn gets the security checks (the header's `security`). */
  security: boolean
  cases: Array<EvalCase & { file: string }>
}

/**
 * Loads files and folders (every `*.jsonl` inside, sorted) into one dataset per world: the same
 * Library, seeded customers and security checks.
 */
export function loadDatasets(paths: readonly string[]): Dataset[] {
  const files = paths.flatMap((p) => expand(resolve(p)))
  if (files.length === 0)
    throw new AtlasError('bad_request', `No .jsonl datasets found in ${paths.join(', ')}`)
  const byLibrary = new Map<string, Dataset>()
  const ids = new Map<string, string>()
  for (const file of files) {
    const parsed = parseDatasetFile(file, readFileSync(file, 'utf8'))
    const world = JSON.stringify([parsed.library, parsed.customers, parsed.security])
    let dataset = byLibrary.get(world)
    if (!dataset) {
      dataset = {
        name: parsed.name,
        files: [],
        library: parsed.library,
        customers: parsed.customers ? loadCustomers(parsed.customers) : [],
        security: parsed.security,
        cases: [],
      }
      byLibrary.set(world, dataset)
    } else if (dataset.name !== parsed.name) dataset.name = `${dataset.name}+${parsed.name}`
    dataset.files.push(file)
    for (const c of parsed.cases) {
      const seen = ids.get(c.id)
      if (seen) throw new AtlasError('bad_request', `Case id ${c.id} appears twice (${seen} and ${file})`)
      ids.set(c.id, file)
      dataset.cases.push({ ...c, file })
    }
  }
  return [...byLibrary.values()]
}

/** Parses one file's text; errors name the file and line. */
export function parseDatasetFile(
  file: string,
  text: string,
): { name: string; library: string; customers: string | null; security: boolean; cases: EvalCase[] } {
  let name = basename(file, extname(file))
  let library = DEMO_LIBRARY
  let customers: string | null = null
  let security = false
  const cases: EvalCase[] = []
  const lines = text.split('\n')
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const where = `${file}:${index + 1}`
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch (error) {
      throw new AtlasError('bad_request', `${where}: not JSON (${(error as Error).message})`)
    }
    if (json && typeof json === 'object' && 'dataset' in json) {
      if (cases.length > 0)
        throw new AtlasError('bad_request', `${where}: the dataset header must come first`)
      const header = DatasetHeaderSchema.safeParse(json)
      if (!header.success) throw new AtlasError('bad_request', `${where}: ${issues(header.error)}`)
      name = header.data.dataset.name
      if (header.data.dataset.library) library = resolve(dirname(file), header.data.dataset.library)
      if (header.data.dataset.customers) customers = resolve(dirname(file), header.data.dataset.customers)
      security = header.data.dataset.security ?? false
      continue
    }
    const parsed = CaseSchema.safeParse(json)
    if (!parsed.success) throw new AtlasError('bad_request', `${where}: ${issues(parsed.error)}`)
    cases.push(parsed.data)
  }
  if (!existsSync(library))
    throw new AtlasError('bad_request', `${file}: Library folder ${library} not found`)
  if (customers && !existsSync(customers))
    throw new AtlasError('bad_request', `${file}: customers file ${customers} not found`)
  return { name, library, customers, security, cases }
}

function expand(path: string): string[] {
  if (!existsSync(path)) throw new AtlasError('bad_request', `${path} does not exist`)
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(path, f))
}

function issues(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(case)'}: ${i.message}`)
    .join('; ')
}

// `node evals/harness/dataset.ts FILE…` checks files and prints case counts (for dataset authors).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const d of loadDatasets(process.argv.slice(2))) {
    const turns = d.cases.reduce((n, c) => n + c.turns.length, 0)
    const seeded = d.customers.length > 0 ? `, ${d.customers.length} other customers seeded` : ''
    const checks = d.security ? ', security checks' : ''
    process.stdout.write(
      `${d.name}: ${d.cases.length} cases, ${turns} turns, Library ${d.library}${seeded}${checks}\n`,
    )
  }
}
