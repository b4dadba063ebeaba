// English: verification without disclosure (C5; Art. 23 ¶3).
import type { Messages } from '../zh'

export const verification: Messages['verification'] = {
  nav: 'Verification',
  title: 'Data verification',
  intro:
    'For data that is not shared, or whose sharing conditions are not met, you may ask the source department to verify or compare (Art. 23 ¶3): submit a record you hold and learn, field by field, “match / mismatch / not found” — never a stored value. Every verification is logged and limited per organisation and entry.',
  entry: 'Catalog entry',
  keyFields: 'Key fields that find the record',
  checkFields: 'Fields compared',
  submit: 'Verify',
  result: 'Result',
  found: 'Record found',
  notFound: 'No such record',
  answers: { match: 'match', mismatch: 'mismatch', not_found: 'not found' },
  offered: 'This entry offers verification',
  notReady: 'The verification index is being built; verification opens shortly.',
  linkFromEntry: 'Verify a record',
  batch: {
    nav: 'Batch verification',
    title: 'Batch verification',
    intro:
      'Upload a CSV or TSV file with one record to verify per row: the header names the fields and must include every key field ({{keyFields}}); the others may only be compared fields ({{checkFields}}). The records are verified in the background into a file of “match / mismatch / not found” flags, holding no stored value and none of the values you sent. The whole batch counts against your organisation’s daily verifications on the entry; uploading the same file again is not counted twice.',
    file: 'Records to verify (CSV / TSV, UTF-8 or GB18030)',
    upload: 'Upload and verify',
    submitted: 'Accepted: {{rows}} records, queued for verification.',
    repeated: 'This file was already verified against the same data; not counted again.',
    list: 'Your organisation’s batches',
    none: 'No batch verification yet.',
    file_name: 'File',
    rows: 'Records',
    progress: 'Progress',
    found: 'Found',
    created: 'Submitted',
    status: { queued: 'queued', running: 'running', done: 'done', failed: 'failed' },
    download: 'Download the flags',
    single: 'Verify one record',
  },
  settings: {
    title: 'Offer verification',
    intro:
      'Choose the key fields that find a record (such as the resident ID) and the fields compared once found. The index keeps keyed digests only, so even a database reader learns no value; it is built from this entry’s data for sharing.',
    enabled: 'Offer verification',
    save: 'Save',
    saved: 'Saved; the verification index will be built from the current data file.',
    ready: 'Verification index built: {{records}} records.',
    building: 'No verification index yet (the data file must be uploaded first).',
  },
}

export const verificationErrors: Messages['error']['verification'] = {
  badHeader:
    'The header must include every key field ({{keyFields}}); the other columns may only be compared fields ({{checkFields}}), each once. Columns at fault: {{columns}}.',
  badRow:
    'Row {{row}}: fill in every key field ({{keyFields}}), with no more cells than the header.',
  emptyBatch: 'The file holds no record to verify (a header row, then one record per row).',
  batchNotFound: 'No such batch verification.',
  batchNotDone: 'This batch verification has not finished yet.',
  batchTooLarge: 'A batch holds at most {{max}} records.',
  notOffered: 'This catalog entry does not offer verification.',
  badFields: 'Choose at least one key field, and only catalogued fields.',
  notAgency: 'Only government agencies may ask for verification (Art. 23 ¶3).',
  badCandidate:
    'Fill in every key field ({{keyFields}}); the others may only be fields that are compared ({{checkFields}}).',
  notReady: 'The verification index is being built; try again shortly.',
  throttled:
    'Your organisation’s verifications on this entry look like enumeration: paused for an hour and reported to the authority.',
  rateLimited:
    'Too many verifications: at most {{perMinute}} a minute and {{perDay}} a day per organisation and entry.',
}
