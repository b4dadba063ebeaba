// The fingerprinting capability as the delivery job and tools use it (ADR 010): make a licence's
// fingerprinted copy of a CSV by streaming, and trace a leaked file back to a licence.
export {
  fingerprintCsv,
  FingerprintTransform,
  type FingerprintCsvOptions,
  type FingerprintResult,
  type CsvEncoding,
  type CsvDelimiter,
} from './embed.server'
export {
  identifyLeak,
  readLeak,
  rankCandidates,
  DEFAULT_ACCUSATION_THRESHOLD,
  type IdentifyLeakOptions,
  type IdentifyResult,
  type RankedCandidate,
} from './identify.server'
export { platformFingerprintKeys, fingerprintKeysFrom, type FingerprintKeys } from './keys.server'
export { FingerprintInputError } from './positions.server'
export {
  fingerprintSpecSchema,
  parseFingerprintSpec,
  type FingerprintSpec,
  type FingerprintSpecInput,
} from './spec'
