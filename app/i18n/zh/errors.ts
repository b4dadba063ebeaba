// Chinese: Refusals that belong to no one capability (ids, lists, forms, identity numbers, passwords…); each capability keeps its own beside its text.
import { calendarErrors, catalogErrors, dcatErrors } from './catalog'
import { ledgerErrors, regulatorConsoleErrors } from './ledger'
import { licencesErrors } from './licences'
import { fingerprintErrors, marketErrors, searchErrors } from './market'
import { openDataErrors } from './open-data'
import { ordersErrors } from './orders'
import { researchErrors } from './research'
import { scanErrors } from './scan'
import { sharingErrors } from './sharing'
import { verificationErrors } from './verification'
import { supervisionErrors } from './supervision'

export const error = {
  badId: '标识符无效（应为 24 位十六进制字符）。',
  list: { badPage: '页码须为从 1 起的整数。', badSort: '此列表不能按该方式排序。' },
  regulatorConsole: regulatorConsoleErrors,
  market: marketErrors,
  supervision: supervisionErrors,
  research: researchErrors,
  licences: licencesErrors,
  orders: ordersErrors,
  sharing: sharingErrors,
  verification: verificationErrors,
  fingerprint: fingerprintErrors,
  search: searchErrors,
  dcat: dcatErrors,
  openData: openDataErrors,
  title: '出错了',
  notFound: '页面不存在',
  accessDenied: '无权访问',
  forbidden: '您没有执行此操作的权限。',
  unauthenticated: '请先登录。',
  badRequest: '无法理解该请求。',
  invalidCredentials: '电子邮箱或密码错误。',
  orgPending: '您的机构尚待主管部门审核。',
  orgRejected: '您的机构注册已被主管部门退回。',
  tooManyAttempts: '登录尝试过多，请 {{seconds}} 秒后再试。',
  tooManyRegistrations: '注册请求过多，请 {{seconds}} 秒后再试。',
  weakPassword: '密码强度不足：{{reason}}。',
  demoInProduction:
    '生产环境（NODE_ENV=production）不创建演示数据：请用 npm run bootstrap 创建首个账户。',
  storageQuota:
    '本单位的存储配额（{{quotaGiB}} GiB）已用完：请删除草稿中的文件，或向数据主管部门申请扩容。',
  csrf: '该表单来自其他站点，已拒绝。',
  uscc: { checksum: '统一社会信用代码无效（GB 32100 校验码不符）。' },
  residentId: { checksum: '居民身份证号码无效（GB 11643 校验码不符）。' },
  subject: {
    copyNotFound: '没有找到该副本。',
    copyNotReady: '副本正在生成，请稍后再下载。',
    notFound: '没有找到该注册人。',
    alreadyConfirmed: '该注册人的身份已经核验。',
    cardMismatch: '证件号码与注册信息不一致，请核对本人证件。',
    badCode: '核验码不正确或已失效，请到核验窗口重新领取。',
    notConfirmed: '请先核验本人身份。',
    complaintNotFound: '没有找到该投诉。',
    notABody: '只能投诉公共管理和服务机构（政务部门）。',
    noAuthority: '没有找到该部门同级的公共数据主管部门。',
    reasonsRequired: '不予受理须说明理由（至少 10 个字）。',
    complaintNotAccepted: '投诉受理后才能作出处理决定。',
    complaintAnswered: '该步骤已有答复。',
    tooShort: '内容太短，请写清楚。',
    tooLong: '内容太长。',
    requestNotFound: '没有找到该申请，或该记录不是您的。',
    badField: '请选择要更正的数据项（身份证号码本身不能在此更正）。',
    sameValue: '新内容与现有内容相同。',
    controlChars: '内容不能包含换行或控制字符。',
    requestAnswered: '该申请已有决定。',
    badDays: '期限须为 1 至 60 个工作日。',
    authorizationNotFound: '没有找到该授权。',
    unknownOrg: '没有找到使用该统一社会信用代码的已登记单位。',
    badFields: '只能授权该条目中的数据项。',
    noFields: '请至少选择一个数据项。',
    badEnd: '截止日期须在今天之后、五年以内。',
    authorizationRevoked: '本人已撤回该授权。',
    authorizationEnded: '该授权不在有效期内。',
  },
  emailTaken: '该电子邮箱已注册。',
  usccTaken: '该统一社会信用代码的机构已注册。',
  alreadyReviewed: '该注册申请已审核。',
  payloadTooLarge: '请求体过大。',
  unsupportedMediaType: '不支持的内容类型。',
  unknownField: '未知字段。',
  tooDeep: '请求体嵌套过深（最多 {{max}} 层）。',
  badUtf8: '请求体不是有效的 UTF-8 文本。',
  httpUrl: '请输入以 http:// 或 https:// 开头的网址。',
  operatorKey: '字段名不得以“$”开头或包含“.”。',
  password: { short: '至少 10 位。' },
  required: '必填。',
  catalog: catalogErrors,
  scan: scanErrors,
  calendar: calendarErrors,
  ledger: ledgerErrors,
}
