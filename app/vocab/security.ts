// Security events (issue 19; Art. 45 ¶2, 47): what is collected, how grave each is, and which
// reach the authority's notification centre as alerts.
export const SECURITY_EVENT_KINDS = [
  'login-failed',
  'lockout',
  'permission-denied',
  'rate-limited',
  'scan-failed',
  'fingerprint-hit',
  'verification-enumeration',
  'chain-break',
  'backup-failed',
  'self-check-failed',
] as const
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number]

export const SECURITY_SEVERITIES = ['info', 'warning', 'critical'] as const
export type SecuritySeverity = (typeof SECURITY_SEVERITIES)[number]

export const SEVERITY_OF: Record<SecurityEventKind, SecuritySeverity> = {
  'login-failed': 'info',
  lockout: 'warning',
  'permission-denied': 'info',
  'rate-limited': 'warning',
  'scan-failed': 'info',
  'fingerprint-hit': 'critical',
  'verification-enumeration': 'critical',
  'chain-break': 'critical',
  'backup-failed': 'critical',
  'self-check-failed': 'warning',
}

/** Kinds that alert the data authority (once per kind, subject and hour). */
export const ALERTING: readonly SecurityEventKind[] = [
  'lockout',
  'fingerprint-hit',
  'verification-enumeration',
  'chain-break',
  'backup-failed',
  'self-check-failed',
]

export const SELF_CHECKS = [
  'backup-fresh',
  'backup-mirror',
  'signing-key-age',
  'ledger-audit',
  'config',
] as const
export type SelfCheck = (typeof SELF_CHECKS)[number]

/**
 * Art. 46 保密审查: what a confidentiality review looks at — the working copy of a catalog entry
 * about to be opened, or a request for important-grade data about to be granted — and its outcome.
 */
export const CONFIDENTIALITY_KINDS = ['entry-opening', 'sharing-grant'] as const
export type ConfidentialityKind = (typeof CONFIDENTIALITY_KINDS)[number]
export const CONFIDENTIALITY_OUTCOMES = ['passed', 'failed'] as const
export type ConfidentialityOutcome = (typeof CONFIDENTIALITY_OUTCOMES)[number]
