// Security events, alerts and the self-check (issue 19; Art. 45 ¶2, 47).
export const security = {
  title: '安全事件与自检',
  intro:
    '登录失败与锁定、越权访问、限流触发、扫描未通过、指纹命中、核验枚举、日志链断裂、备份失败和自检失败，集中记录（同一事项每小时合并计数）；严重事件即时告警至消息中心（《办法》第四十五条、第四十七条）。',
  last24h: '近 24 小时',
  trend: '近 14 日趋势',
  recent: '最近事件',
  none: '暂无安全事件。',
  kind: '类型',
  count: '次数',
  subject: '对象',
  detail: '详情',
  lastAt: '最近发生',
  alerted: '已告警',
  selfCheck: '最近一次安全自检',
  noSelfCheck: '尚未进行安全自检。',
  allPassed: '全部通过',
  someFailed: '存在未通过项',
  pass: '通过',
  fail: '未通过',
  kinds: {
    'login-failed': '登录失败',
    lockout: '账户锁定',
    'permission-denied': '越权访问被拒',
    'rate-limited': '限流触发',
    'scan-failed': '扫描未通过',
    'fingerprint-hit': '指纹追溯命中',
    'verification-enumeration': '核验疑似枚举',
    'chain-break': '日志链断裂',
    'backup-failed': '备份失败',
    'self-check-failed': '自检未通过',
  },
  checks: {
    'backup-fresh': '本地备份在 26 小时内',
    'backup-mirror': '异地备份在 26 小时内',
    'signing-key-age': '签名密钥未超过一年',
    'ledger-audit': '日志链审计近期通过',
    config: '生产配置',
  },
}

// Confidentiality review (保密审查, Art. 46) before data is opened or important data is granted.
export const confidentiality = {
  title: '保密审查（《办法》第四十六条）',
  openingIntro:
    '该条目的工作稿将向社会开放数据。提交审核前，须由本单位对这一稿内容进行保密审查；内容修改后须重新审查。',
  grantIntro:
    '所申请的数据为重要数据。同意共享前，须由本单位对本次申请进行保密审查；审查未通过即依第四十六条拒绝。',
  notReviewed: '尚未审查。',
  goReview: '开放数据须先经保密审查：前往条目页记录审查结论 →',
  outcome: '审查结论',
  outcomes: { passed: '通过', failed: '未通过' },
  note: '审查意见（审查了什么、依据）',
  record: '记录审查结论',
  reviewedBy: '审查人',
  recorded: {
    passed: '保密审查已通过，已记入日志。',
    failed: '保密审查未通过，已记入日志。',
  },
}
