// English: The verifiable log (C11) and the regulator console.
import type { Messages } from '../zh'

export const ledger: Messages['ledger'] = {
  seq: '#',
  at: 'Time',
  action: 'Action',
  actor: 'Actor org',
  subjects: 'Subjects',
  hash: 'Hash',
  older: 'Older entries',
  receipt: 'Ledger receipt: entry #{{seq}}',
  receiptProof: 'inclusion proof (RFC 9162)',
}

export const regulatorConsole: Messages['regulatorConsole'] = {
  anyAction: 'Any action',
  nav: 'Regulator console: filter, inspect and export the log',
  title: 'Transaction log console',
  intro: 'Read-only. Every query you run here is itself written to the log.',
  org: 'Actor org id',
  actorUser: 'Actor user id',
  action: 'Action',
  subject: 'Subject (type:id)',
  from: 'From (date)',
  to: 'To (date, inclusive)',
  apply: 'Filter',
  reset: 'Clear',
  csv: 'Download CSV of this view',
  bundle: 'Download signed export bundle (for npm run ledger:verify -- --export)',
  older: 'Older entries',
  entryTitle: 'Log entry #{{seq}}',
  back: 'Back to the log',
  fields: 'Fields',
  actorUserId: 'Actor user',
  actorOrgId: 'Actor org',
  payloadDigest: 'Payload digest',
  prevHash: 'Previous hash',
  alg: 'Hash algorithm',
  summary: 'Summary',
  proof: 'Inclusion proof (RFC 9162)',
  leafIndex: 'Leaf index',
  leafHash: 'Leaf hash',
  proofEmpty: 'Empty proof (the tree has one leaf).',
  checkpoint: 'Signed checkpoint',
  treeSize: 'Tree size',
  rootHash: 'Root hash',
  keyId: 'Key id',
  keyAlg: 'Key type',
  signature: 'Signature',
  touched: 'Objects touched',
  noPage: 'no page',
}

export const ledgerErrors: Messages['error']['ledger'] = {
  entryNotFound: 'The transaction log has no entry {{seq}}.',
  checkpointNotFound: 'There is no signed checkpoint with tree size {{treeSize}}.',
  checkpointTooSmall: 'Checkpoint {{treeSize}} does not cover entry {{seq}}.',
  badRange: 'The first checkpoint must not be larger than the second.',
}

export const regulatorConsoleErrors: Messages['error']['regulatorConsole'] = {
  badRange: 'The start date must not be after the end date.',
}
