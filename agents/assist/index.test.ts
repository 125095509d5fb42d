import { describe, expect, it } from 'vitest'
import { OpenAIModel } from '../openai/openai-model.ts'
import type { ModelChoice } from '../providers.ts'
import { createAssist } from './index.ts'
import type { AssistModel } from './model.ts'

const model: AssistModel = {
  name: 'openai:test',
  structured: () => Promise.reject(new Error('not called')),
}
const choices: Record<string, ModelChoice> = {
  plain: {},
  'openai-default': { default: 'openai' },
  'assist-local': { default: 'openai', agents: { assist: 'local' } },
  'assist-openai': { agents: { assist: 'openai', atlas: 'local' } },
}
const choiceFor = async (tenantId: string) => choices[tenantId] ?? {}

describe('which provider assist runs on', () => {
  it("follows the tenant's choice for `assist`, then its default, then the deployment's", async () => {
    const assist = createAssist({ model, defaultProvider: 'local', choiceFor })
    expect(await assist.providerFor('plain')).toBe('local')
    expect(await assist.providerFor('openai-default')).toBe('openai')
    expect(await assist.providerFor('assist-local')).toBe('local')
    expect(await assist.providerFor('assist-openai')).toBe('openai')
    const openaiByDefault = createAssist({ model, defaultProvider: 'openai', choiceFor })
    expect(await openaiByDefault.providerFor('plain')).toBe('openai')
  })

  it('stays local when openai is chosen but not configured', async () => {
    const assist = createAssist({ defaultProvider: 'openai', choiceFor })
    expect(assist.model).toBeUndefined()
    expect(await assist.providerFor('assist-openai')).toBe('local')
  })

  it("writes with the agents' own OpenAI model when the deployment has one", async () => {
    const openai = new OpenAIModel({
      apiKey: 'sk-test',
      baseURL: 'http://127.0.0.1:9/v1',
      model: 'gpt-4o-mini',
    })
    const assist = createAssist({ model: openai, choiceFor })
    expect(assist.model).toBe(openai)
    expect(assist.model?.name).toBe('openai:gpt-4o-mini')
    expect(await assist.providerFor('assist-openai')).toBe('openai')
  })
})
