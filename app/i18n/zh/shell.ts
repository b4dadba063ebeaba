// Chinese: The frame every page shares: the application, navigation, roles, sign-in and registration, the home page, API keys and common words.

export const app = {
  name: '广东省公共数据交易平台',
  tagline: '依据《广东省公共数据管理办法》（省政府令第290号）共享、开放与流通公共数据',
}

export const nav = {
  home: '首页',
  login: '登录',
  logout: '退出',
  register: '机构注册',
  apiKeys: 'API 密钥',
  ledger: '交易日志',
  queues: '任务队列',
  switchTo: 'English',
}

export const roles = {
  authority_admin: '公共数据主管部门',
  agency_staff: '数源部门',
  provider_staff: '数据提供方',
  buyer_staff: '数据需求方',
  researcher: '科研人员',
  regulator: '监管部门',
  data_subject: '数据主体',
}

export const orgTypes = {
  authority: '公共数据主管部门',
  agency: '公共管理和服务机构',
  provider: '市场主体（提供方）',
  buyer: '市场主体（需求方）',
  research: '高等院校 / 科研院所',
  regulator: '监管部门',
}

export const landing = {
  intro:
    '公共管理和服务机构编制数据目录并按时限共享数据；主管部门发布数据产品与模型；市场主体交易可溯源的衍生数据产品；每一次状态变化都写入防篡改的交易日志。',
}

export const login = {
  title: '登录',
  email: '电子邮箱',
  password: '密码',
  submit: '登录',
  noAccount: '新的提供方或需求方？',
}

export const register = {
  title: '注册数据提供方或需求方',
  intro: '机构注册须经公共数据主管部门审核通过后方可登录。',
  orgType: '机构类型',
  orgNameZh: '机构名称（中文）',
  orgNameEn: '机构名称（英文）',
  uscc: '统一社会信用代码',
  usccHint: '18 位，GB 32100',
  displayName: '联系人姓名',
  email: '电子邮箱',
  password: '密码（至少 10 位）',
  submit: '提交注册',
  done: '已收到注册申请。主管部门审核通过后即可登录。',
  forPersons: '个人（数据主体）注册',
  subject: {
    title: '个人注册（数据主体）',
    intro:
      '自然人可以用居民身份证号码注册，查看公共数据中与本人有关的记录及其使用情况（第三十九条、第四十二条）。注册后须持居民身份证到主管部门的身份核验窗口核验身份，核验通过前不显示任何数据。',
    residentId: '居民身份证号码',
    residentIdHint: '18 位，GB 11643',
    done: '已收到注册。请登录，并持居民身份证到主管部门的身份核验窗口领取核验码。如果无法登录，说明该电子邮箱或身份证号码已有账户。',
    login: '登录',
  },
}

export const complaintsDesk = {
  nav: '数据主体投诉',
  title: '数据主体投诉',
  intro:
    '同级政务部门被投诉的案件（第四十三条）：5 个工作日内决定是否受理（不予受理须说明理由），受理后 30 个工作日内作出处理决定并说明理由。',
  none: '暂无投诉。',
  accept: '受理',
  notAccept: '不予受理',
  decide: '作出处理决定',
  note: '理由',
  outcome: '处理结果',
  daysTitle: '数据主体请求的处理期限',
  daysIntro: '部门对数据主体的异议、更正和删除请求作出决定的期限（第四十二条“及时”），以工作日计。',
  days: '工作日',
  daysSaved: '期限已保存。',
}

export const emergency = {
  nav: '应急采集',
  title: '应急采集',
  intro:
    '为应对突发事件依法采集数据（第四十条）：写明事件、法律依据、数据归入的目录条目和结束日期。期间为这些条目存储的数据都带有该采集的标记；结束后，系统用脱敏扫描对数据分类，封存（销毁数据密钥、保留密文备查）采集的数据，撤销相关共享授权，下架由其派生的数据产品版本并撤销相应许可，停止核验，并生成签名报告。',
  none: '暂无应急采集。',
  declare: '宣布应急采集',
  event: '突发事件',
  instrument: '法律依据（法律、法规名称）',
  article: '条款',
  entries: '数据归入的目录条目',
  endsOn: '预计结束日期',
  declareSubmit: '宣布',
  declared: '应急采集已宣布。',
  end: '应急结束',
  ended: '应急采集已结束，正在封存和生成报告。',
  closing: '正在封存和生成报告……',
  report:
    '已封存 {{datasets}} 份数据表和 {{files}} 个开放数据文件（{{sensitive}} 份数据表含个人信息等敏感内容），撤销 {{grants}} 项共享授权，下架 {{versions}} 个派生数据产品版本，撤销 {{licences}} 份许可。报告已签名并记入日志。',
  status: { active: '进行中', ended: '已结束' },
}

export const authorizations = {
  title: '个人授权',
  intro:
    '数据主体授权本单位使用的数据（第四十一条）：仅限所列数据项、用途和期限。程序以本单位的 API 密钥调用所列接口；本人撤回后调用即被拒绝，每次读取都记入本人的使用记录。',
  none: '暂无授权。',
  person: '授权人',
  data: '数据',
  purpose: '用途',
  period: '期限',
  api: '接口',
  states: { active: '有效', revoked: '已撤回', ended: '已到期' },
}

export const recordRequestsDesk = {
  nav: '数据主体请求',
  title: '数据主体的异议和更正、删除请求',
  intro:
    '数据主体对本单位持有的记录提出的请求（第四十二条）。请在期限内作出决定并说明理由；同意更正或删除后，系统生成数据的新版本（来源注明该请求），之后的交付、接口和核验都以新版本为准。',
  none: '暂无请求。',
  record: '本单位现有记录',
  proposed: '请求改为',
  grant: '同意',
  refuse: '不同意',
  note: '理由（同意异议时写明采取的措施）',
  decided: '已作出决定。',
}

export const identityDesk = {
  nav: '身份核验窗口',
  title: '身份核验窗口',
  intro:
    '核对本人出示的居民身份证后，输入证件上的号码；号码与注册信息一致时生成一次性核验码，请当面告知本人（30 分钟内有效，最多尝试 5 次）。',
  none: '暂无待核验的个人注册。',
  person: '注册人',
  registeredAt: '注册时间',
  check: '核验',
  onCard: '证件号码',
  issue: '生成核验码',
  code: '核验码：{{code}}，请当面告知本人。有效期至',
}

export const home = {
  welcome: '欢迎，{{name}}',
  org: '所属机构',
  role: '角色',
  recentLog: '最近的交易日志',
  noEntries: '暂无记录。',
  authority: {
    title: '主管部门工作台',
    pending: '待审核的机构注册',
    noPending: '暂无待审核的注册。',
    approve: '通过',
    reject: '退回',
    reason: '理由',
    orgs: '机构',
    ledgerHead: '日志最新条目',
  },
  agency: { title: '数源部门工作台', intro: '编制数据目录、答复共享申请、保持数据及时更新。' },
  provider: { title: '数据提供方工作台', intro: '上架可溯源的衍生数据产品。' },
  buyer: { title: '数据需求方工作台', intro: '检索、订购并依授权接收数据产品。' },
  research: { title: '科研工作台', intro: '为科研和教学申请公益性使用（第二十六条）。' },
  regulator: {
    title: '监管工作台',
    intro: '只读查看交易日志；可用 npm run ledger:verify 自行验证。',
    verify: '立即验证日志链',
    verified: '日志链验证通过：共 {{count}} 条，最新 #{{seq}}',
    broken: '日志链在第 #{{seq}} 条处断裂：{{reason}}',
  },
  subject: {
    title: '我的数据',
    intro: '查看公共数据中与您有关的记录（第三十九条、第四十二条）。',
    residentId: '居民身份证号码',
    accessLog: '与我的账户有关的日志',
    holdings: '哪些数据中有我的记录',
    holdingsIntro:
      '下列目录条目的数源部门存储的数据中含有您的记录（按居民身份证号码查找），以下是您本人的记录内容。您有权查阅、复制（第四十二条）。',
    none: '目前各部门存储的共享数据中没有找到您的记录。',
    source: '数源部门',
    holdingSource: {
      'entry-dataset': '数源部门',
      'product-version': '数据产品提供方',
      'open-data-file': '开放部门',
    },
    storedAt: '数据更新时间',
    row: '第 {{row}} 行',
    field: '数据项',
    value: '内容',
    uses: '谁使用了我的数据',
    usesIntro:
      '上述记录的每一次使用：谁、何时、用于什么、依据什么（第三十九条）。共 {{count}} 次，以下为最近的 100 次；完整记录见数据副本。',
    usesNone: '目前没有记录到对您的数据的使用。',
    useKinds: {
      'sharing-delivery': '共享交付（含您记录的数据副本）',
      'sharing-api-read': '共享接口读取了您的记录',
      verification: '核验找到了您的记录',
      'authorized-read': '您授权的单位读取了您的记录',
      'licence-delivery': '数据产品的许可副本含有您的记录',
      'research-licence': '科研许可的副本含有您的记录',
      'open-data-release': '含有您记录的文件被开放',
    },
    useWho: '使用单位',
    useWhen: '时间',
    usePurpose: '用途',
    useBasis: '依据',
    confirmTitle: '核验本人身份',
    confirmIntro:
      '为保护您的数据，核验身份前不显示任何与您有关的数据。请持居民身份证到主管部门的身份核验窗口，工作人员核对后会告诉您一个 6 位核验码，在此输入即可。',
    code: '核验码',
    confirm: '确认',
    confirmed: '身份已核验。',
    complaints: '我的投诉',
    complaintsIntro:
      '认为公共管理和服务机构违反法律、法规、规章规定，损害您的合法权益的，可以向同级公共数据主管部门投诉（第四十三条）。主管部门在 5 个工作日内决定是否受理，受理后 30 个工作日内作出处理决定并说明理由。',
    complaintNew: '提出投诉',
    complaintNone: '您还没有提出投诉。',
    respondent: '被投诉的部门',
    facts: '事实和理由',
    remedy: '投诉请求',
    submitComplaint: '提交投诉',
    complaintFiled: '投诉已提交。',
    complaintStatus: {
      submitted: '待受理',
      accepted: '已受理，处理中',
      not_accepted: '不予受理',
      decided: '已作出处理决定',
    },
    complaintOutcome: { upheld: '投诉成立', partly_upheld: '部分成立', dismissed: '投诉不成立' },
    dueBy: '期限',
    overdue: '已逾期',
    copies: '我的数据副本',
    copiesIntro:
      '您可以随时获取上述记录的副本（第四十二条），CSV 和 JSON 两种格式，由后台生成，仅您本人可以下载。',
    copyAsk: '生成副本',
    copyAsked: '已开始生成副本。',
    copyRepeated: '本小时内已生成过副本，请直接下载。',
    copyQueued: '生成中',
    copyDone: '{{records}} 条记录',
    copyAt: '申请时间',
    requestAsk: '提出异议、更正或删除',
    requests: '我的异议和更正、删除请求',
    requestsIntro:
      '发现记录有错误，或认为商业秘密、个人信息和隐私等合法权益受到侵害的，可以提出异议并请求更正、删除等必要措施（第四十二条）。请求送达持有该记录的部门，部门须在期限内作出决定并说明理由。',
    requestNone: '您还没有提出请求。',
    requestTitle: '对记录提出异议或请求',
    requestKind: '请求',
    requestKinds: { objection: '异议（其他必要措施）', correction: '更正', deletion: '删除' },
    requestStatus: { pending: '待决定', granted: '已同意', refused: '未同意' },
    requestField: '要更正的数据项',
    requestProposed: '正确的内容',
    requestReasons: '理由',
    requestSubmit: '提交请求',
    requestFiled: '请求已提交，持有该记录的部门将在期限内作出决定。',
    requestApplied: '已生效',
    requestPriorCopies: '此前已交付的含该记录的副本',
    requestEscalate: '对决定不满意？向主管部门投诉',
    requestRecord: '记录',
    authorizeAsk: '授权第三方使用',
    authorizeTitle: '授权单位使用我的数据',
    authorizations: '我的授权',
    authorizationsIntro:
      '您可以授权指定的单位在一定期限内为特定用途使用您的指定数据（第四十一条），并可随时撤回；撤回后该单位的下一次调用即被拒绝。授权单位的每次读取都记入“谁使用了我的数据”。',
    authorizationNone: '您还没有授权任何单位。',
    authorizationGranted: '授权已生效。',
    authorizationRevoke: '撤回',
    authorizationRevoked: '授权已撤回。',
    authorizeUscc: '被授权单位的统一社会信用代码',
    authorizeFields: '授权使用的数据项',
    authorizePurpose: '用途',
    authorizeEnd: '截止日期',
    authorizeSubmit: '授权',
  },
}

export const apiKeys = {
  expiresAt: '到期时间',
  title: 'API 密钥',
  intro: '程序以 `Authorization: Bearer <密钥>` 调用 /api/v1。密钥只显示一次。',
  name: '密钥名称',
  create: '创建密钥',
  created: '请立即复制此密钥，之后将不再显示：',
  revoke: '吊销',
  revoked: '已吊销',
  none: '暂无密钥。',
}

export const common = {
  search: '搜索',
  choose: '选择',
  save: '保存',
  status: '状态',
  createdAt: '创建时间',
  name: '名称',
  type: '类型',
  actions: '操作',
  first: '第一页',
  next: '下一页',
  previous: '上一页',
  pagination: '分页',
  pageN: '第 {{n}} 页',
  total_one: '共 {{count}} 条',
  total_other: '共 {{count}} 条',
  sortBy: '按此列排序',
  downloadCsv: '下载 CSV',
}
