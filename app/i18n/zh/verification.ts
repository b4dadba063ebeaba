// Chinese: verification without disclosure (C5; Art. 23 ¶3).

export const verification = {
  nav: '数据核验',
  title: '数据核验',
  intro:
    '对不予共享或未满足共享条件的数据，可以向数源部门提出核实、比对（第二十三条第三款）：提交手中的一条记录，逐项得到“一致 / 不一致 / 未找到”，不会看到任何存储的数据。每次核验都记入日志，按单位和目录条目限频。',
  entry: '目录条目',
  keyFields: '查找记录的关键数据项',
  checkFields: '比对的数据项',
  submit: '核验',
  result: '核验结果',
  found: '找到该记录',
  notFound: '没有找到该记录',
  answers: { match: '一致', mismatch: '不一致', not_found: '未找到' },
  offered: '本条目可以核验',
  notReady: '核验索引正在生成，稍后即可核验。',
  linkFromEntry: '核验一条记录',
  batch: {
    nav: '批量核验',
    title: '批量核验',
    intro:
      '上传 CSV 或 TSV 文件，每行一条待核验记录：表头写数据项名称，须包含全部关键数据项（{{keyFields}}），其余只能是可比对的数据项（{{checkFields}}）。后台逐条核验，生成“一致 / 不一致 / 未找到”的结果文件，不含任何存储的数据，也不含您提交的值。整批计入本单位对该条目的每日核验次数；同一文件重复上传不重复计数。',
    file: '待核验记录文件（CSV / TSV，UTF-8 或 GB18030）',
    upload: '上传并核验',
    submitted: '已受理：{{rows}} 条记录，正在排队核验。',
    repeated: '该文件已核验过（同一数据版本），未重复计数。',
    list: '本单位的批量核验',
    none: '还没有批量核验。',
    file_name: '文件',
    rows: '记录数',
    progress: '进度',
    found: '找到',
    created: '提交时间',
    status: { queued: '排队中', running: '核验中', done: '已完成', failed: '失败' },
    download: '下载结果',
    single: '逐条核验',
  },
  settings: {
    title: '提供核验',
    intro:
      '选择用来查找记录的关键数据项（如公民身份号码）和找到后比对的数据项。核验索引只保存带密钥的摘要，数据库读者也无法得知原值；平台从本条目的共享数据文件生成索引。',
    enabled: '提供核验',
    save: '保存',
    saved: '已保存；核验索引将根据当前数据文件生成。',
    ready: '核验索引已生成：{{records}} 条记录。',
    building: '核验索引尚未生成（须先上传共享数据文件）。',
  },
}

export const verificationErrors = {
  badHeader:
    '文件表头须包含全部关键数据项（{{keyFields}}），其余只能是可比对的数据项（{{checkFields}}），每项一次；有问题的列：{{columns}}。',
  badRow: '第 {{row}} 行有误：须填写全部关键数据项（{{keyFields}}），单元格不能多于表头。',
  emptyBatch: '文件中没有待核验的记录（第一行为表头，其后每行一条记录）。',
  batchNotFound: '没有找到该批量核验。',
  batchNotDone: '该批量核验尚未完成。',
  batchTooLarge: '一批最多核验 {{max}} 条记录。',
  notOffered: '该目录条目不提供核验。',
  badFields: '请至少选择一个关键数据项，且只能选择目录登记的数据项。',
  notAgency: '只有政务部门可以提出核验（第二十三条第三款）。',
  badCandidate:
    '请填写全部关键数据项（{{keyFields}}），其余只能是可比对的数据项（{{checkFields}}）。',
  notReady: '核验索引正在生成，请稍后再试。',
  throttled: '本单位对该条目的核验疑似批量枚举，已暂停一小时，并已报告主管部门。',
  rateLimited:
    '核验过于频繁：每个单位对每个条目每分钟最多 {{perMinute}} 次、每天最多 {{perDay}} 次。',
}
