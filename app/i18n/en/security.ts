import type { Messages } from '../zh'

// Security events, alerts and the self-check (issue 19; Art. 45 ¶2, 47).
export const security: Messages['security'] = {
  title: 'Security events and self-check',
  intro:
    'Failed logins and lock-outs, permission denials, rate-limit trips, failed scans, fingerprint hits, verification enumeration, chain breaks, failed backups and self-checks, in one place (one line per matter and hour, counted); grave ones alert the notification centre at once (Art. 45, 47).',
  last24h: 'Last 24 hours',
  trend: 'Last 14 days',
  recent: 'Latest events',
  none: 'No security events.',
  kind: 'Kind',
  count: 'Count',
  subject: 'Concerning',
  detail: 'Detail',
  lastAt: 'Last seen',
  alerted: 'alerted',
  selfCheck: 'Latest security self-check',
  noSelfCheck: 'No self-check has run yet.',
  allPassed: 'All passed',
  someFailed: 'Some failed',
  pass: 'pass',
  fail: 'fail',
  kinds: {
    'login-failed': 'Failed login',
    lockout: 'Lock-out',
    'permission-denied': 'Permission denied',
    'rate-limited': 'Rate limit tripped',
    'scan-failed': 'Scan failed',
    'fingerprint-hit': 'Fingerprint traced',
    'verification-enumeration': 'Verification enumeration',
    'chain-break': 'Log chain broken',
    'backup-failed': 'Backup failed',
    'self-check-failed': 'Self-check failed',
  },
  checks: {
    'backup-fresh': 'Local backup within 26 hours',
    'backup-mirror': 'Off-site backup within 26 hours',
    'signing-key-age': 'Signing key under a year old',
    'ledger-audit': 'Log audit passed recently',
    config: 'Production configuration',
  },
}

export const confidentiality = {
  title: 'Confidentiality review (Measures, Art. 46)',
  openingIntro:
    "This entry's working copy opens data to the public. Before it is submitted, your body reviews exactly this content for secrets; an edit needs a new review.",
  grantIntro:
    'The data asked for is important data. Before agreeing, your body reviews this request for secrets; a failed review refuses it under Art. 46.',
  notReviewed: 'Not reviewed yet.',
  goReview: 'Opening data needs a confidentiality review first: record it on the entry page →',
  outcome: 'Outcome',
  outcomes: { passed: 'Passed', failed: 'Failed' },
  note: 'Review notes (what was checked, on what basis)',
  record: 'Record the outcome',
  reviewedBy: 'Reviewer',
  recorded: {
    passed: 'The confidentiality review passed and is logged.',
    failed: 'The confidentiality review failed and is logged.',
  },
}
