// The website chat widget channel.
import type { ChannelAdapter } from '../types.ts'
import { parseWidgetMessage } from './parse.ts'
import { sendWidgetMessage } from './send.ts'

export const widgetAdapter: ChannelAdapter = {
  kind: 'widget',
  parse: (payload) => ({ messages: parseWidgetMessage(payload), statuses: [], ignored: 0 }),
  send: (message) => sendWidgetMessage(message),
}

export { parseWidgetMessage, type WidgetMessage, WidgetMessageSchema } from './parse.ts'
