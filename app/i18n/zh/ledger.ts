// Chinese: The verifiable log (C11) and the regulator console.

export const ledger = {
  seq: '序号',
  at: '时间',
  action: '操作',
  actor: '操作机构',
  subjects: '对象',
  hash: '哈希',
  older: '更早的记录',
  receipt: '交易日志回执：第 {{seq}} 条',
  receiptProof: '包含证明（RFC 9162）',
}

export const regulatorConsole = {
  anyAction: '全部操作',
  nav: '监管控制台：筛选、查看和导出交易日志',
  title: '交易日志监管控制台',
  intro: '只读。您在此处的每一次查询本身都会记入日志。',
  org: '操作机构 ID',
  actorUser: '操作用户 ID',
  action: '操作类型',
  subject: '对象（类型:ID）',
  from: '起始日期',
  to: '截止日期（含）',
  apply: '筛选',
  reset: '清除',
  csv: '下载当前视图 CSV',
  bundle: '下载签名导出包（用于 npm run ledger:verify -- --export）',
  older: '更早的记录',
  entryTitle: '日志记录 #{{seq}}',
  back: '返回日志',
  fields: '字段',
  actorUserId: '操作用户',
  actorOrgId: '操作机构',
  payloadDigest: '载荷摘要',
  prevHash: '前一哈希',
  alg: '哈希算法',
  summary: '摘要',
  proof: '包含证明（RFC 9162）',
  leafIndex: '叶子序号',
  leafHash: '叶子哈希',
  proofEmpty: '空证明（树只有一个叶子）。',
  checkpoint: '签名检查点',
  treeSize: '树大小',
  rootHash: '根哈希',
  keyId: '密钥 ID',
  keyAlg: '密钥类型',
  signature: '签名',
  touched: '涉及的对象',
  noPage: '无页面',
}

export const ledgerErrors = {
  entryNotFound: '交易日志中没有第 {{seq}} 条记录。',
  checkpointNotFound: '没有树大小为 {{treeSize}} 的签名检查点。',
  checkpointTooSmall: '检查点 {{treeSize}} 不包含第 {{seq}} 条记录。',
  badRange: '起始检查点不得大于结束检查点。',
}

export const regulatorConsoleErrors = { badRange: '起始日期不能晚于截止日期。' }
