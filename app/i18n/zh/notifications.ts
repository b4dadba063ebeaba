// Chinese: the notification centre — one sentence per kind of notice the jobs write.

export const notifications = {
  nav: '通知',
  title: '通知中心',
  intro:
    '发给您和本单位的提醒：期限预警、答复、授权、撤销、逾期提请、交付等。单位内任何人标为已读，即对全单位已读。',
  all: '全部',
  unread: '未读（{{count}}）',
  none: '暂无通知。',
  new: '未读',
  markRead: '标为已读',
  readAll: '全部标为已读',
  marked: '已将 {{count}} 条通知标为已读。',
  kinds: {
    other: '通知（{{kind}}）',
    'account.registration-attempt': '有人于 {{day}} 尝试用已注册的邮箱再次注册账户。',
    'catalog.deadline_warning':
      '目录条目 {{title}} 的办理期限将至（还剩 {{workingDaysLeft}} 个工作日，{{dueAt}}）。',
    'catalog.deadline_overdue': '目录条目 {{title}} 已超过办理期限（{{dueAt}}）。',
    'catalog.legal_basis_changed':
      '目录条目 {{title}} 的法律依据已变更，请在 {{dueAt}} 前更新目录。',
    'catalog.stale': '目录条目 {{title}} 的数据未按更新频率更新，请在 {{dueAt}} 前更新。',
    'ledger.broken': '交易日志校验发现第 {{seq}} 条断链，请立即核查。',
    'licence.delivered': '许可已交付（{{deliveries}} 项）。',
    'licence.expired': '许可已到期。',
    'quality.raised': '目录条目 {{title}} 收到一条数据质量问题反馈。',
    'quality.resolved': '您反馈的数据质量问题已有处理结果。',
    'research-request.submitted': '收到科研数据申请：{{title}}，请在 {{dueAt}} 前答复。',
    'research-request.reply_due':
      '科研数据申请 {{title}} 还剩 {{workingDaysLeft}} 个工作日答复（{{dueAt}}）。',
    'research-request.overdue': '科研数据申请 {{title}} 已超过答复期限（{{dueAt}}）。',
    'research-request.approved': '科研数据申请 {{title}} 已获批准。',
    'research-request.refused': '科研数据申请 {{title}} 未获批准。',
    'sharing-request.submitted': '收到共享申请：{{title}}，请在 {{dueAt}} 前答复。',
    'sharing-request.reply_due':
      '共享申请 {{title}} 还剩 {{workingDaysLeft}} 个工作日答复（{{dueAt}}）。',
    'sharing-request.overdue':
      '共享申请 {{title}} 已超过答复期限（{{dueAt}}），已提请主管部门协调。',
    'sharing-request.coordinated': '主管部门记录了对共享申请 {{title}} 的协调情况。',
    'sharing-request.filed': '跨层级、跨区域共享申请 {{title}} 已向本单位备案。',
    'sharing-request.filing_commented': '主管部门对共享申请 {{title}} 的备案提出了意见。',
    'sharing-request.review-needed':
      '收到重要数据的共享申请：{{title}}，须先进行保密审查，请在 {{dueAt}} 前完成。',
    'sharing-request.granted': '共享申请 {{title}} 已获同意。',
    'sharing-request.refused': '共享申请 {{title}} 被拒绝，请查看拒绝依据。',
    'security.alert': '安全告警（{{securityEvent}}）：{{subject}}。{{detail}}',
    'security.verification_enumeration':
      '安全事件：有单位对目录条目的核验疑似批量枚举（{{calls}} 次，其中 {{notFound}} 次未找到），已暂停其核验一小时。',
    'subject-complaint.filed': '收到数据主体的投诉，请在 {{dueAt}} 前决定是否受理。',
    'subject-complaint.accept_due':
      '数据主体的投诉须在 {{dueAt}} 前决定是否受理，仅剩 1 个工作日。',
    'subject-complaint.accept_overdue': '数据主体的投诉已超过受理期限（{{dueAt}}）。',
    'subject-complaint.decide_due': '已受理的投诉须在 {{dueAt}} 前作出处理决定，仅剩 1 个工作日。',
    'subject-complaint.decide_overdue': '已受理的投诉已超过处理期限（{{dueAt}}）。',
    'subject-request.filed':
      '数据主体对本单位持有的记录提出了异议或更正、删除请求，请在 {{dueAt}} 前作出决定。',
    'subject-request.reminder': '数据主体的请求将于 {{dueAt}} 到期，请及时作出决定。',
    'subject-request.overdue': '数据主体的请求已超过期限（{{dueAt}}）仍未决定，已告知主管部门。',
    'rectification.issued':
      '公共数据主管部门通知贵单位限期整改（第五十二条），请于 {{dueAt}} 前答复整改情况。',
    'rectification.answered': '有单位已答复整改通知。',
    'rectification.closed': '公共数据主管部门已结束一项整改通知。',
    'rectification.escalated': '一项整改通知逾期未完成，已上报本级人民政府纳入督查督办事项。',
    'dispute.opened': '有单位就公共数据与贵单位发生争议：请与对方协商，或作为协调部门跟进。',
    'dispute.to-coordination': '争议协商不成，现由公共数据主管部门协调解决（第五十一条）。',
    'dispute.to-consultation': '争议协调不成，转入与主管部门邀请的单位联合会商。',
    'dispute.to-opinion': '争议联合会商仍未解决，由主管部门列明各方理据并提出倾向性意见报请决定。',
    'dispute.submitted': '主管部门已就争议提出倾向性意见，报请本级党委或者人民政府决定。',
    'dispute.resolved': '一项公共数据争议已解决。',
    'dispute.overdue': '一项争议的当前阶段已超过期限。',
    'emergency-collection.closed':
      '应急采集已结束：采集的数据已封存，相关授权已撤销，签名报告已生成。',
    'subject-authorization.granted': '一位数据主体授权本单位使用其数据，详见“个人授权”。',
    'subject-authorization.revoked': '一位数据主体撤回了对本单位的授权，此后的调用将被拒绝。',
    'subject-request.escalated': '一个部门对数据主体的请求超过期限（{{dueAt}}）仍未决定。',
    'subject-request.granted': '您的请求已获同意。',
    'subject-request.refused': '您的请求未获同意，请查看理由；您可以向主管部门投诉。',
    'subject-request.applied-correction': '您的记录已更正，新的数据版本已生效。',
    'subject-request.applied-deletion': '您的记录已删除，之后的交付、接口和核验都不再包含它。',
    'subject-request.prior-copy-correction':
      '数据主体的记录已更正：您单位此前收到的副本中的该记录已过时。',
    'subject-request.prior-copy-deletion':
      '数据主体的记录已删除：您单位此前收到的副本仍含该记录，请停止使用并删除。',
    'verification.batch_done': '批量核验 {{fileName}} 已完成：{{rows}} 条记录，找到 {{found}} 条。',
    'sharing-grant.delivered': '共享数据已交付，可以使用本部门的专属副本。',
    'sharing-grant.delivery_due':
      '共享数据 {{title}} 还剩 {{workingDaysLeft}} 个工作日交付（{{dueAt}}）。',
    'sharing-grant.delivery_overdue':
      '共享数据 {{title}} 已超过交付期限（{{dueAt}}），已提请主管部门协调。',
    'sharing-grant.revoked': '共享授权 {{title}} 已被数源部门撤销。',
    'usage-report.submitted': '收到 {{period}} 的数据使用情况报告。',
    'usage-report.reminder':
      '{{period}} 的数据使用情况报告须在 {{dueAt}} 前提交（还剩 {{workingDaysLeft}} 个工作日）。',
    'usage-report.overdue': '{{period}} 的数据使用情况报告已逾期（{{dueAt}}）。',
    'supervision.ranking': '{{period}} 监督评价：本单位排名 {{rank}}/{{of}}。',
  },
}
