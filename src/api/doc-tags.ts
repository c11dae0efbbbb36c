// The API's sections in the browsable docs (/api/docs): in the order a tenant's developer needs them, each named in
// Chinese and English; the platform's administration comes last.

/** One section of the OpenAPI document. */
export interface DocTag { name: string; description: string }

/** Every tag the routes use, in display order (a route's tag missing here is shown after these). */
export const docTags: DocTag[] = [
  { name: 'messages', description: '发送短信与查询状态 · Send messages and read their status' },
  { name: 'campaigns', description: '群发任务 · Campaigns' },
  { name: 'templates', description: '短信模板 · Templates' },
  { name: 'signatures', description: '签名报备 · Signatures and their review' },
  { name: 'contacts', description: '通讯录 · Contacts and custom fields' },
  { name: 'imports', description: '导入联系人 · Contact imports' },
  { name: 'groups', description: '分组 · Groups' },
  { name: 'segments', description: '分群 · Segments' },
  { name: 'inbox', description: '收件箱 · Inbox (two-way conversations)' },
  { name: 'inbound', description: '上行短信 · Inbound messages' },
  { name: 'keywords', description: '关键词与自动回复 · Keywords and auto-replies' },
  { name: 'services', description: '互动服务 · Interactive services' },
  { name: 'codes', description: '抽奖与防伪码 · Lottery draws and anti-counterfeit codes' },
  { name: 'points', description: '会员积分、礼品兑换与推荐有礼 · Points, gifts, redemptions and referrals' },
  { name: 'automations', description: '自动化营销 · Automations and events' },
  { name: 'links', description: '短链点击 · Tracked links' },
  { name: 'webhooks', description: 'Webhook 推送 · Webhooks' },
  { name: 'stats', description: '统计 · Statistics' },
  { name: 'billing', description: '余额与流水 · Balance and ledger' },
  { name: 'complaints', description: '投诉监控 · Complaint monitoring' },
  { name: 'smpp-accounts', description: 'SMPP 账号 · SMPP server accounts' },
  { name: 'tenant', description: '租户设置 · Tenant settings' },
  { name: 'users', description: '用户 · Users' },
  { name: 'apikeys', description: 'API 密钥 · API keys' },
  { name: 'auth', description: '登录 · Console sign-in' },
  { name: 'audit', description: '审计日志 · Audit log' },
  { name: 'simulator', description: '虚拟运营商 · Virtual carrier (embedded mode)' },
  { name: 'admin', description: '平台管理（平台密钥） · Platform administration (platform key)' },
];
