// A deployment's own agents and tools, defined in code: `atlas.config.ts` at the project root (or
// the file named by ATLAS_CONFIG) default-exports `defineConfig({ agents, tools })`, and `npm start`
// runs them beside Atlas and Loot.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AgentDefinition } from '../agents/define.ts'
import { AtlasError } from '../common/errors.ts'
import type { AnyTool } from '../tools/define-tool.ts'

export interface AtlasConfig {
  agents?: readonly AgentDefinition[]
  tools?: readonly AnyTool[]
}

export function defineConfig(config: AtlasConfig): AtlasConfig {
  return config
}

export async function loadAtlasConfig(
  path = process.env.ATLAS_CONFIG ?? 'atlas.config.ts',
): Promise<AtlasConfig> {
  const file = resolve(path)
  if (!existsSync(file)) {
    if (process.env.ATLAS_CONFIG)
      throw new AtlasError('config_invalid', `ATLAS_CONFIG names ${file}, which does not exist`)
    return {}
  }
  const module = (await import(pathToFileURL(file).href)) as { default?: AtlasConfig }
  const config = module.default
  if (!config || typeof config !== 'object') {
    throw new AtlasError('config_invalid', `${file} must default-export defineConfig({ agents, tools })`)
  }
  for (const agent of config.agents ?? []) {
    if (typeof agent?.run !== 'function' || typeof agent.name !== 'string') {
      throw new AtlasError('config_invalid', `${file}: every agent must come from defineAgent()`)
    }
  }
  for (const tool of config.tools ?? []) {
    if (typeof tool?.call !== 'function' || typeof tool.name !== 'string') {
      throw new AtlasError('config_invalid', `${file}: every tool must come from defineTool()`)
    }
  }
  return config
}
