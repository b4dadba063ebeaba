// C11 / issue 16: every action the transaction log records, in one typed registry — its name, the
// kinds of subject its entries name, and the article of the Measures it serves (null: the platform's
// own housekeeping). `appendLedger` refuses a name that is not here, the regulator console offers
// these names as its action filter, and the supervision figures match them by name.
//
// Names in the log are history: an entry keeps the name it was written with. If an action is ever
// renamed, the new entry lists the old name in `formerly` and readers map old to new when they read
// (`canonicalAction`); stored entries are never rewritten (their hashes would break the chain).
// The names below are the ones in use since wave 1, in mixed styles (`catalog.draft_created`,
// `licence.api-key-issued`); new actions use `thing.verb-ed` with hyphens.

export interface LedgerActionSpec {
  /** Subject kinds (`kind:id`) its entries name; a reader can count on these being there. */
  subjects: readonly string[]
  /** The article of the Measures this records (null for the platform's own housekeeping). */
  article: number | null
  /** Earlier names of the same action, mapped to this one when entries are read. */
  formerly?: readonly string[]
  /** Declared ahead of the capability that will write it (issue 17: sharing between agencies). */
  planned?: true
}

export const LEDGER_ACTIONS = {
  // Identity and organisations
  'org.registered': { subjects: ['org', 'user'], article: null },
  'org.approved': { subjects: ['org'], article: null },
  'org.rejected': { subjects: ['org'], article: null },
  'org.created': { subjects: ['org'], article: null },
  'user.created': { subjects: ['org', 'user'], article: null },
  'apikey.created': { subjects: ['apikey', 'user'], article: null },
  'apikey.revoked': { subjects: ['apikey', 'user'], article: null },
  // Catalog (C1–C3; Art. 9–17)
  'calendar.year_published': { subjects: ['calendar'], article: 11 },
  'catalog.grading_set': { subjects: ['catalog-settings'], article: 9 },
  'catalog.draft_created': { subjects: ['catalog-entry', 'org'], article: 10 },
  'catalog.draft_updated': { subjects: ['catalog-entry'], article: 10 },
  'catalog.submitted': { subjects: ['catalog-entry', 'org'], article: 10 },
  'catalog.review_passed': { subjects: ['catalog-entry'], article: 10 },
  'catalog.returned': { subjects: ['catalog-entry'], article: 10 },
  'catalog.approved': { subjects: ['catalog-entry'], article: 10 },
  'catalog.not_shared_filed': { subjects: ['catalog-entry'], article: 13 },
  'catalog.legal_basis_changed': {
    subjects: ['catalog-deadline', 'catalog-entry', 'org'],
    article: 11,
  },
  'catalog.deadline_overdue': {
    subjects: ['catalog-deadline', 'catalog-entry', 'org'],
    article: 11,
  },
  'source.claimed': { subjects: ['data-item', 'org'], article: 14 },
  'source.transferred': { subjects: ['data-item', 'org'], article: 14 },
  'catalog.data_updated': { subjects: ['catalog-entry'], article: 16 },
  'catalog.stale_flagged': { subjects: ['catalog-entry', 'org'], article: 16 },
  'quality.raised': { subjects: ['catalog-entry', 'quality-issue'], article: 17 },
  'quality.resolved': { subjects: ['catalog-entry', 'quality-issue'], article: 17 },
  // Sharing between agencies (C4; Art. 22–24)
  'sharing-grant.approved': { subjects: ['catalog-entry', 'org', 'sharing-grant'], article: 23 },
  'sharing-grant.revoked': {
    subjects: ['sharing-grant', 'sharing-request', 'catalog-entry', 'org'],
    article: 24,
  },
  'sharing-grant.delivered': {
    subjects: ['sharing-grant', 'sharing-request', 'delivery', 'catalog-entry', 'org'],
    article: 24,
  },
  'sharing-grant.delivery-overdue': {
    subjects: ['sharing-grant', 'sharing-request', 'catalog-entry', 'org'],
    article: 24,
  },
  'sharing-grant.accessed': { subjects: ['sharing-grant', 'catalog-entry', 'org'], article: 46 },
  'sharing-grant.api-key-issued': { subjects: ['sharing-grant', 'org'], article: 24 },
  'catalog-entry.dataset-stored': { subjects: ['catalog-entry', 'org'], article: 23 },
  'sharing-grant.handed-over': {
    subjects: ['sharing-grant', 'sharing-request', 'catalog-entry', 'org'],
    article: 23,
  },
  'sharing-request.submitted': {
    subjects: ['sharing-request', 'catalog-entry', 'org'],
    article: 22,
  },
  'sharing-request.granted': {
    subjects: ['sharing-request', 'catalog-entry', 'org', 'sharing-grant'],
    article: 23,
  },
  'sharing-request.escalated': {
    subjects: ['sharing-request', 'catalog-entry', 'org'],
    article: 22,
  },
  'sharing-request.coordinated': {
    subjects: ['sharing-request', 'catalog-entry', 'org'],
    article: 22,
  },
  'sharing-request.filed': {
    subjects: ['sharing-request', 'catalog-entry', 'org'],
    article: 25,
  },
  'sharing-request.filing-commented': {
    subjects: ['sharing-request', 'catalog-entry', 'org'],
    article: 25,
  },
  'verification.configured': { subjects: ['catalog-entry', 'org'], article: 23 },
  'verification.index-built': { subjects: ['catalog-entry', 'org'], article: 23 },
  'verification.calls-logged': { subjects: ['catalog-entry', 'org'], article: 23 },
  'verification.enumeration-suspected': { subjects: ['catalog-entry', 'org'], article: 45 },
  'sharing-request.refused': { subjects: ['sharing-request', 'catalog-entry', 'org'], article: 23 },
  // Data subjects (C10; Art. 39–43)
  'subject.copy-made': { subjects: ['user'], article: 42 },
  'subject.registered': { subjects: ['user'], article: 39 },
  'subject.identity-code-issued': { subjects: ['user'], article: 39 },
  'subject.identity-confirmed': { subjects: ['user'], article: 39 },
  'subject.complaint-filed': { subjects: ['user', 'org'], article: 43 },
  'subject.complaint-answered': { subjects: ['user', 'org'], article: 43 },
  'subject.record-request-filed': { subjects: ['user', 'org', 'catalog-entry'], article: 42 },
  'subject.record-request-decided': { subjects: ['user', 'org', 'catalog-entry'], article: 42 },
  'subject.record-changed': { subjects: ['user', 'org', 'catalog-entry'], article: 42 },
  'emergency-collection.declared': { subjects: ['emergency-collection', 'org'], article: 40 },
  'emergency-collection.closed': { subjects: ['emergency-collection', 'org'], article: 40 },
  'emergency-collection.table-sealed': { subjects: ['emergency-collection', 'org'], article: 40 },
  // Disputes between public bodies (C13; Art. 51)
  'dispute.opened': { subjects: ['dispute', 'org'], article: 51 },
  'dispute.position-stated': { subjects: ['dispute', 'org'], article: 51 },
  'dispute.stage-closed': { subjects: ['dispute', 'org'], article: 51 },
  'dispute.opinion-submitted': { subjects: ['dispute', 'org'], article: 51 },
  'dispute.decided': { subjects: ['dispute', 'org'], article: 51 },
  // Rectification within a deadline (C12; Art. 52)
  'rectification.issued': { subjects: ['rectification', 'org'], article: 52 },
  'rectification.answered': { subjects: ['rectification', 'org'], article: 52 },
  'rectification.closed': { subjects: ['rectification', 'org'], article: 52 },
  'rectification.escalated': { subjects: ['rectification', 'org'], article: 52 },
  // Confidentiality review before opening or granting important data (C14; Art. 46)
  'confidentiality.reviewed': { subjects: ['catalog-entry', 'org'], article: 46 },
  // Fiscally funded IT projects and their data lists (C12; Art. 50)
  'project.registered': { subjects: ['it-project', 'org'], article: 50 },
  'project.data-list-filed': { subjects: ['it-project', 'org'], article: 50 },
  'project.accepted': { subjects: ['it-project', 'org'], article: 50 },
  'product.version.withdrawn': {
    subjects: ['product', 'product-version', 'emergency-collection'],
    article: 40,
  },
  'subject.authorization-granted': { subjects: ['user', 'org', 'catalog-entry'], article: 41 },
  'subject.authorization-revoked': { subjects: ['user', 'org', 'catalog-entry'], article: 41 },
  // Open data (C6; Art. 32–34)
  'open-data.file-published': { subjects: ['catalog-entry', 'org'], article: 32 },
  'open-data.application-submitted': { subjects: ['catalog-entry', 'org'], article: 32 },
  'open-data.application-approved': { subjects: ['catalog-entry', 'org'], article: 32 },
  'open-data.application-refused': { subjects: ['catalog-entry', 'org'], article: 32 },
  'open-data.catalog-published': { subjects: ['open-catalog'], article: 34 },
  'open-data.comment-received': { subjects: ['catalog-entry', 'open-comment'], article: 34 },
  // Desensitization and screening (C9; Art. 32, 38)
  'scan.passed': { subjects: ['file'], article: 32 },
  'scan.failed': { subjects: ['file'], article: 32 },
  'desensitize.requested': { subjects: ['file'], article: 32 },
  'desensitize.applied': { subjects: ['file'], article: 32 },
  'desensitize.min_k_set': { subjects: ['desensitize-settings'], article: 32 },
  // Products and models (C7; Art. 35–38)
  'product.created': { subjects: ['product'], article: 36 },
  'product.updated': { subjects: ['product'], article: 36 },
  'product.version.drafted': { subjects: ['product', 'product-version'], article: 37 },
  'product.version.file_added': { subjects: ['product', 'product-version'], article: 37 },
  'product.version.file_removed': { subjects: ['product', 'product-version'], article: 37 },
  'product.version.file_desensitized': { subjects: ['product', 'product-version'], article: 32 },
  'product.version.screening_set': { subjects: ['product', 'product-version'], article: 32 },
  'product.version.submitted': { subjects: ['product', 'product-version'], article: 38 },
  'product.version.approved': { subjects: ['product', 'product-version'], article: 38 },
  'product.version.returned': { subjects: ['product', 'product-version'], article: 38 },
  'product.version.published': { subjects: ['product', 'product-version'], article: 38 },
  'product.version.blocked': { subjects: ['product', 'product-version'], article: 38 },
  'model-run.requested': { subjects: ['model-run'], article: 36 },
  'model-run.succeeded': { subjects: ['model-run'], article: 36 },
  'model-run.failed': { subjects: ['model-run'], article: 36 },
  // Orders, payments, licences, delivery (C8; Art. 24, 38)
  'order.created': { subjects: [], article: 38 },
  'order.paid': { subjects: ['payment'], article: 38 },
  'order.cancelled': { subjects: [], article: 38 },
  'order.refunded': { subjects: ['payment'], article: 38 },
  'payment.transfer-confirmed': { subjects: ['payment'], article: 38 },
  'payout-account.linked': { subjects: ['org'], article: 38 },
  'licence.issued': { subjects: ['licence'], article: 24 },
  'licence.extended': { subjects: ['licence'], article: 24 },
  'licence.expired': { subjects: ['licence'], article: 24 },
  'licence.revoked': { subjects: ['licence'], article: 24 },
  'licence.api-key-issued': { subjects: ['licence'], article: 38 },
  'delivery.completed': { subjects: ['delivery', 'licence'], article: 24 },
  'delivery.downloaded': { subjects: ['delivery', 'licence'], article: 24 },
  // Research access and usage reports (C8; Art. 26, 46)
  'research-request.submitted': { subjects: ['research-request'], article: 26 },
  'research-request.approved': { subjects: ['research-request'], article: 26 },
  'research-request.refused': { subjects: ['research-request'], article: 26 },
  'usage-report.submitted': { subjects: ['licence', 'usage-report'], article: 46 },
  'usage-report.overdue': { subjects: ['licence', 'usage-report'], article: 46 },
  // Supervision and the log itself (C11, C12; Art. 48–52)
  'supervision.report_generated': { subjects: ['supervision-report'], article: 48 },
  'supervision.notified': { subjects: ['org', 'supervision-report'], article: 48 },
  'regulator.query': { subjects: [], article: 52 },
  'fingerprint.lookup': { subjects: [], article: 52 },
  'ledger.signing-key-created': { subjects: ['ledger-key'], article: null },
} as const satisfies Record<string, LedgerActionSpec>

export type LedgerAction = keyof typeof LEDGER_ACTIONS

/** Names the log's own tests write (never by the product). */
export type TestLedgerAction = `test.${string}`

export const LEDGER_ACTION_NAMES = Object.keys(LEDGER_ACTIONS) as LedgerAction[]

export function isLedgerAction(name: string): name is LedgerAction {
  return Object.hasOwn(LEDGER_ACTIONS, name)
}

const FORMER = new Map<string, LedgerAction>(
  LEDGER_ACTION_NAMES.flatMap((name) =>
    ((LEDGER_ACTIONS[name] as LedgerActionSpec).formerly ?? []).map((old) => [old, name] as const),
  ),
)

/** The current name of a stored entry's action (its own name unless the action was renamed). */
export function canonicalAction(stored: string): string {
  return FORMER.get(stored) ?? stored
}
