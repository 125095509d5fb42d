// Adapters by channel kind. Channels without an adapter yet cannot receive or send.
import type { ChannelAdapter, ChannelKind } from './types.ts'
import { widgetAdapter } from './widget/index.ts'

const adapters: Partial<Record<ChannelKind, ChannelAdapter>> = {
  widget: widgetAdapter,
}

export function adapterFor(kind: ChannelKind): ChannelAdapter | undefined {
  return adapters[kind]
}

export type * from './types.ts'
export { IDENTITY_FOR_CHANNEL } from './types.ts'
