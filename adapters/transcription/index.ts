// Transcription of voice notes (WhatsApp `audio` with `voice: true`) into text the agent can read.
export { isTransient } from '../shared/provider-error.ts'
export {
  MAX_AUDIO_BYTES,
  type Transcription,
  type TranscriptionOptions,
  TranscriptionOptionsSchema,
  transcribe,
} from './transcribe.ts'
