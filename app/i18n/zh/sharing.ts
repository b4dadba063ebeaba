// Chinese: Sharing between agencies (C4; Art. 22–24): requests, replies and grants.

export const sharing = {
  nav: '数据共享',
  title: '数据共享申请',
  intro:
    '向数源部门申请共享目录中的公共数据（第二十二至二十四条）：无条件共享的数据即时获得授权；有条件共享的数据由数源部门在 5 个工作日内答复。',
  fromCatalog: '在数据目录中选择要申请的数据',
  inbox: '本部门数据收到的申请',
  mine: '本部门提出的申请',
  none: '暂无申请。',
  entry: '目录条目',
  source: '数源部门',
  requester: '申请部门',
  scenario: '应用业务场景',
  usingUnit: '用数单位',
  duty: '履行职责的需要',
  fields: '所需数据项',
  mode: '共享方式',
  periodEnd: '使用截止时间',
  replyDue: '答复期限',
  noPassOn:
    '共享获得的数据只能用于本部门履行职责，不得转让、向他人提供或公开（第四十六条第三款）；每次访问都会记入交易日志。',
  hint: {
    scenario: '说明使用数据的具体业务场景。',
    usingUnit: '实际使用数据的内设机构或下属单位。',
    duty: '依据的法定职责及其来源（法律、法规、规章或“三定”方案）。',
    fields: '只勾选业务确实需要的数据项（最小授权，第二十四条）。',
  },
  status: { pending: '待答复', granted: '已同意', refused: '已拒绝' },
  modes: { api: '接口', file: '文件', offline: '线下' },
  new: {
    title: '申请共享数据',
    unconditional: '该数据为无条件共享：提交后即获授权（第二十三条第一款）。',
    conditional: '该数据为有条件共享：数源部门应在 5 个工作日内答复（第二十三条第二款）。',
    submit: '提交申请',
    sent: '申请已提交。',
  },
  reply: {
    title: '答复申请',
    agree: '同意共享',
    refuse: '拒绝共享',
    fieldsHint: '可以只同意部分数据项，但不能超出申请的范围（第二十四条）。',
    refuseHint: '拒绝须写明所依据的法律、法规或规章及具体条款（第二十三条第二款）。',
    instrument: '依据的法律、法规或规章',
    article: '具体条款',
  },
  answered: { granted: '已同意共享，授权已生效。', refused: '已拒绝共享，申请部门会收到通知。' },
  decision: {
    granted: '数源部门已同意',
    refused: '数源部门已拒绝',
    at: '答复时间',
    how: '方式',
    automatic: '无条件共享，自动授权',
    end: '授权截止时间',
    deliveryDue: '数据交付期限',
    citation: '拒绝依据',
    note: '说明',
  },
  linkFromEntry: '申请共享该数据',
}

export const sharingErrors = {
  badId: '共享申请标识无效。',
  badDate: '请使用 YYYY-MM-DD 格式的日期。',
  fieldName: '数据项名称无效。',
  notFound: '未找到该共享申请或目录条目。',
  notAgency:
    '只有政务部门可以申请共享公共数据（第二十二条）；企业和事业单位请通过主管部门或数源部门申请。',
  notShared: '该数据不予共享：可以改为申请核验或比对（第二十三条第三款）。',
  ownEntry: '这是本部门自己的数据，无需申请共享。',
  notSource: '只有该数据的数源部门可以答复共享申请。',
  alreadyAnswered: '该共享申请已经答复。',
  citationInstrument:
    '拒绝共享须写明所依据的法律、法规或规章的名称（第二十三条第二款）；“相关法律法规”之类的笼统说法不行。',
  citationArticle: '请写明所依据的具体条款，例如“第十二条”。',
  endPast: '截止时间须晚于今天。',
  endAfterAsked: '截止时间不能晚于申请的截止时间。',
}
