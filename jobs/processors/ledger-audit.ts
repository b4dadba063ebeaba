import { randomUUID } from 'node:crypto'
import { verifyChain } from '~/services/ledger/ledger.server'
import { recordSecurityEvent } from '~/services/security/events.server'
import { claim } from '~/utils/db.server'
import { LedgerAuditModel } from '#models/ledger-audit'
import { enqueue, parseJobData, type JobInput } from '../queues'

export interface LedgerAuditDeps {
  /** The BullMQ job id: a retried run records its audit once. */
  jobId?: string
  verifyChain?: typeof verifyChain
  enqueueNotification?: (
    data: JobInput<'notifications'>,
    opts: { jobId: string },
  ) => Promise<unknown>
  now?: () => Date
}

export interface LedgerAuditResult {
  ok: boolean
  checked: number
  headSeq?: number
  firstBrokenSeq?: number
  reason?: string
  /** false: this run's audit was already recorded by an earlier attempt. */
  recorded: boolean
}

/**
 * `ledger-audit` job: verifies the whole hash chain, records the outcome, and
 * on a break tells the authority (once per broken sequence number).
 */
export async function auditLedger(
  data: unknown,
  deps: LedgerAuditDeps = {},
): Promise<LedgerAuditResult> {
  const { requestedBy } = parseJobData('ledger-audit', data)
  const result = await (deps.verifyChain ?? verifyChain)()
  const outcome = result.ok
    ? { ok: true, checked: result.checked, headSeq: result.headSeq }
    : {
        ok: false,
        checked: result.checked,
        firstBrokenSeq: result.firstBroken.seq,
        reason: result.firstBroken.reason,
      }

  const recorded = await claim(LedgerAuditModel, {
    runId: deps.jobId ?? randomUUID(),
    at: deps.now?.() ?? new Date(),
    requestedBy,
    ...outcome,
  })

  if (!result.ok) {
    const { seq, reason } = result.firstBroken
    // Art. 45 ¶2, 47: a broken chain is a security event (and an alert).
    await recordSecurityEvent({
      kind: 'chain-break',
      subject: `ledger seq ${seq}`,
      detail: reason,
    })
    const key = `ledger-broken-${seq}`
    const send =
      deps.enqueueNotification ??
      ((payload: JobInput<'notifications'>, opts: { jobId: string }) =>
        enqueue('notifications', payload, opts))
    // Kind-level (no orgId): the authority watches every `ledger.broken`.
    await send(
      { key, kind: 'ledger.broken', params: { seq, reason, checked: result.checked } },
      { jobId: key },
    )
  }

  return { ...outcome, recorded }
}
