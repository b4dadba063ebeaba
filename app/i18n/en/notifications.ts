// English: the notification centre — one sentence per kind of notice the jobs write.
import type { Messages } from '../zh'

export const notifications: Messages['notifications'] = {
  nav: 'Notices',
  title: 'Notifications',
  intro:
    'Notices for you and your organisation: deadline warnings, replies, grants, revocations, escalations, deliveries. Marked read by anyone in your organisation, read for all of it.',
  all: 'All',
  unread: 'Unread ({{count}})',
  none: 'No notifications.',
  new: 'new',
  markRead: 'Mark read',
  readAll: 'Mark all read',
  marked: '{{count}} notifications marked read.',
  kinds: {
    other: 'Notice ({{kind}})',
    'account.registration-attempt':
      'Someone tried to register again with an address already registered ({{day}}).',
    'catalog.deadline_warning':
      'Catalog entry {{title}} is due soon ({{workingDaysLeft}} working days left, {{dueAt}}).',
    'catalog.deadline_overdue': 'Catalog entry {{title}} is past its deadline ({{dueAt}}).',
    'catalog.legal_basis_changed':
      'The legal basis of catalog entry {{title}} changed: update the catalog by {{dueAt}}.',
    'catalog.stale':
      'The data of catalog entry {{title}} was not updated as often as declared: update it by {{dueAt}}.',
    'ledger.broken': 'The ledger check found a break at entry {{seq}}: investigate now.',
    'licence.delivered': 'Licence delivered ({{deliveries}} items).',
    'licence.expired': 'A licence has expired.',
    'quality.raised': 'Catalog entry {{title}} received a data quality report.',
    'quality.resolved': 'The data quality issue you reported has been answered.',
    'research-request.submitted': 'New research data request: {{title}}, reply by {{dueAt}}.',
    'research-request.reply_due':
      'Research data request {{title}}: {{workingDaysLeft}} working days left to reply ({{dueAt}}).',
    'research-request.overdue':
      'Research data request {{title}} is past its reply deadline ({{dueAt}}).',
    'research-request.approved': 'Research data request {{title}} was approved.',
    'research-request.refused': 'Research data request {{title}} was refused.',
    'sharing-request.submitted': 'New sharing request: {{title}}, reply by {{dueAt}}.',
    'sharing-request.reply_due':
      'Sharing request {{title}}: {{workingDaysLeft}} working days left to reply ({{dueAt}}).',
    'sharing-request.overdue':
      'Sharing request {{title}} is past its reply deadline ({{dueAt}}) and went to the authority.',
    'sharing-request.coordinated':
      'The authority recorded its coordination of sharing request {{title}}.',
    'sharing-request.filed':
      'Cross-level or cross-region sharing request {{title}} was filed with your authority.',
    'sharing-request.filing_commented':
      'An authority commented on the filing of sharing request {{title}}.',
    'sharing-request.review-needed':
      'A request for important data: {{title}}. Review it for secrets first, by {{dueAt}}.',
    'sharing-request.granted': 'Sharing request {{title}} was agreed.',
    'sharing-request.refused': 'Sharing request {{title}} was refused: see the grounds cited.',
    'security.alert': 'Security alert ({{securityEvent}}): {{subject}}. {{detail}}',
    'security.verification_enumeration':
      'Security event: an organisation’s verifications on an entry look like enumeration ({{calls}} calls, {{notFound}} not found); paused for an hour.',
    'subject-complaint.filed':
      'A data subject’s complaint arrived: decide whether to accept it by {{dueAt}}.',
    'subject-complaint.accept_due':
      'A data subject’s complaint must be accepted or not by {{dueAt}}: one working day left.',
    'subject-complaint.accept_overdue':
      'A data subject’s complaint is past its deadline to be accepted or not ({{dueAt}}).',
    'subject-complaint.decide_due':
      'An accepted complaint must be decided by {{dueAt}}: one working day left.',
    'subject-complaint.decide_overdue': 'An accepted complaint is past its deadline ({{dueAt}}).',
    'subject-request.filed':
      'A data subject objects to a record your agency holds, or asks to correct or delete it: decide by {{dueAt}}.',
    'subject-request.reminder': 'A data subject’s request is due on {{dueAt}}: decide it in time.',
    'subject-request.overdue':
      'A data subject’s request is past its deadline ({{dueAt}}) without a decision; the authority was told.',
    'rectification.issued':
      'The data authority notified your body to rectify (Art. 52) by {{dueAt}}: answer with the measures you took.',
    'rectification.answered': 'A body answered a rectification notice with the measures it took.',
    'rectification.closed': 'The data authority closed a rectification notice.',
    'rectification.escalated':
      'A rectification notice passed its deadline unanswered: it was reported to the government for supervision.',
    'dispute.opened':
      'A dispute over public data was opened with your body: negotiate it with the other side, or follow it as the coordinating authority.',
    'dispute.to-coordination':
      'A dispute’s negotiation failed: the data authority coordinates it now (Art. 51).',
    'dispute.to-consultation':
      'A dispute’s coordination failed: it goes to a joint consultation with the bodies the authority invited.',
    'dispute.to-opinion':
      'A dispute’s joint consultation failed: the authority sets out each side’s reasons and its leaning opinion for decision.',
    'dispute.submitted':
      'The authority submitted its opinion on a dispute for decision by the Party committee or government.',
    'dispute.resolved': 'A dispute over public data was resolved.',
    'dispute.overdue': 'A dispute’s stage is past its deadline.',
    'emergency-collection.closed':
      'An emergency collection ended: its data is sealed, its grants revoked, and a signed report written.',
    'subject-authorization.granted':
      'A data subject authorized your organisation to use her data: see “Authorizations from persons”.',
    'subject-authorization.revoked':
      'A data subject revoked her authorization of your organisation; later calls are refused.',
    'subject-request.escalated':
      'A department has not decided a data subject’s request by its deadline ({{dueAt}}).',
    'subject-request.granted': 'Your request was granted.',
    'subject-request.refused':
      'Your request was refused: see the reasons. You may complain to the authority.',
    'subject-request.applied-correction':
      'Your record was corrected; the new version of the data is in use.',
    'subject-request.applied-deletion':
      'Your record was deleted; later deliveries, API answers and verifications no longer hold it.',
    'subject-request.prior-copy-correction':
      'A data subject’s record was corrected: a copy your organisation received earlier holds it outdated.',
    'subject-request.prior-copy-deletion':
      'A data subject’s record was deleted: a copy your organisation received earlier still holds it — stop using that record and delete it.',
    'verification.batch_done':
      'Batch verification {{fileName}} finished: {{rows}} records, {{found}} found.',
    'sharing-grant.delivered': 'Shared data delivered: your agency’s own copy is ready.',
    'sharing-grant.delivery_due':
      'Shared data {{title}}: {{workingDaysLeft}} working days left to deliver ({{dueAt}}).',
    'sharing-grant.delivery_overdue':
      'Shared data {{title}} is past its delivery deadline ({{dueAt}}) and went to the authority.',
    'sharing-grant.revoked': 'The source department revoked the sharing grant {{title}}.',
    'usage-report.submitted': 'A usage report for {{period}} was submitted.',
    'usage-report.reminder':
      'The usage report for {{period}} is due by {{dueAt}} ({{workingDaysLeft}} working days left).',
    'usage-report.overdue': 'The usage report for {{period}} is overdue ({{dueAt}}).',
    'supervision.ranking':
      'Supervision evaluation {{period}}: your organisation ranks {{rank}} of {{of}}.',
  },
}
