// What the console calls a recorded audit action: its own name where composing would not say it well, else its
// noun and verb composed (`campaign.pause` → 暂停群发活动). test/audit-labels.test.ts fails when an action written
// anywhere in src/ has no name here.
import type { Messages } from '../../i18n/en.ts';

/** A text key that names an action, a noun or a verb (none has placeholders). */
type LabelKey = Exclude<Extract<keyof Messages, `audit.${string}`>, 'audit.compose'>;

/** What a recorded action is called where composing its noun and verb would not say it well; others are composed by actionKeys. */
const actions: Record<string, LabelKey> = {
  'signin': 'audit.signin',
  'signin.failed': 'audit.signinFailed',
  'apikey.create': 'audit.apikeyCreate',
  'apikey.revoke': 'audit.apikeyRevoke',
  'user.create': 'audit.userCreate',
  'user.role': 'audit.userRole',
  'user.disable': 'audit.userDisable',
  'user.enable': 'audit.userEnable',
  'user.password': 'audit.userPassword',
  'user.reset_password': 'audit.userResetPassword',
  'tenant.create': 'audit.tenantCreate',
  'tenant.update': 'audit.tenantUpdate',
  'tenant.settings': 'audit.tenantSettings',
  'bootstrap': 'audit.bootstrap',
  'signature.apply': 'audit.signatureApply',
  'signature.approve': 'audit.signatureApprove',
  'signature.reject': 'audit.signatureReject',
  'signature.default': 'audit.signatureDefault',
  'signature.delete': 'audit.signatureDelete',
  'marketing.suspend': 'audit.marketingSuspend',
  'marketing.lift': 'audit.marketingLift',
  'complaints.policy': 'audit.complaintsPolicy',
  'complaints.tenantPolicy': 'audit.complaintsTenantPolicy',
  'redemption.fulfilled': 'audit.redemptionFulfilled',
};

/** What an action's noun is called (the action's code without its last part). */
const nouns: Record<string, LabelKey> = {
  'apikey': 'audit.noun.apikey',
  'automation': 'audit.noun.automation',
  'automation.occurrence': 'audit.noun.automationOccurrence',
  'balance': 'audit.noun.balance',
  'blocklist': 'audit.noun.blocklist',
  'campaign': 'audit.noun.campaign',
  'channel': 'audit.noun.channel',
  'complaints': 'audit.noun.complaints',
  'consent': 'audit.noun.consent',
  'contact': 'audit.noun.contact',
  'contact_field': 'audit.noun.contactField',
  'group': 'audit.noun.group',
  'holidays': 'audit.noun.holidays',
  'import': 'audit.noun.import',
  'inbound': 'audit.noun.inbound',
  'inbox': 'audit.noun.inbox',
  'keywords': 'audit.noun.keywords',
  'keywords.rule': 'audit.noun.keywordsRule',
  'marketing': 'audit.noun.marketing',
  'route': 'audit.noun.route',
  'segment': 'audit.noun.segment',
  'sensitive_words': 'audit.noun.sensitiveWords',
  'service': 'audit.noun.service',
  'service.member': 'audit.noun.serviceMember',
  'service_number': 'audit.noun.serviceNumber',
  'signature': 'audit.noun.signature',
  'smpp_account': 'audit.noun.smppAccount',
  'template': 'audit.noun.template',
  'tenant': 'audit.noun.tenant',
  'user': 'audit.noun.user',
  'webhook': 'audit.noun.webhook',
  'code_batch': 'audit.noun.codeBatch',
  'gift': 'audit.noun.gift',
  'lottery': 'audit.noun.lottery',
  'points': 'audit.noun.points',
  'redemption': 'audit.noun.redemption',
};
/** What an action's verb is called (the last part of its code). */
const verbs: Record<string, LabelKey> = {
  create: 'audit.verb.create',
  update: 'audit.verb.update',
  'delete': 'audit.verb.delete',
  start: 'audit.verb.start',
  pause: 'audit.verb.pause',
  resume: 'audit.verb.resume',
  cancel: 'audit.verb.cancel',
  approve: 'audit.verb.approve',
  reject: 'audit.verb.reject',
  submit: 'audit.verb.submit',
  open: 'audit.verb.open',
  close: 'audit.verb.close',
  on: 'audit.verb.on',
  off: 'audit.verb.off',
  add: 'audit.verb.add',
  remove: 'audit.verb.remove',
  revoke: 'audit.verb.revoke',
  extension: 'audit.verb.extension',
  test: 'audit.verb.test',
  settings: 'audit.verb.settings',
  grant: 'audit.verb.grant',
  withdraw: 'audit.verb.withdraw',
  erase: 'audit.verb.erase',
  opt_in: 'audit.verb.optIn',
  opt_out: 'audit.verb.optOut',
  subject_export: 'audit.verb.subjectExport',
  assign: 'audit.verb.assign',
  seed: 'audit.verb.seed',
  replace: 'audit.verb.replace',
  adjust: 'audit.verb.adjust',
  rotate_secret: 'audit.verb.rotateSecret',
  endpoint_secret: 'audit.verb.endpointSecret',
  table: 'audit.verb.table',
  'default': 'audit.verb.default',
  apply: 'audit.verb.apply',
  disable: 'audit.verb.disable',
  enable: 'audit.verb.enable',
  password: 'audit.verb.password',
  reset_password: 'audit.verb.resetPassword',
  role: 'audit.verb.role',
  lift: 'audit.verb.lift',
  suspend: 'audit.verb.suspend',
  policy: 'audit.verb.policy',
  tenantPolicy: 'audit.verb.tenantPolicy',
  double_opt_in: 'audit.verb.doubleOptIn',
  put: 'audit.verb.put',
  credit: 'audit.verb.credit',
  debit: 'audit.verb.debit',
  draw: 'audit.verb.draw',
  generate: 'audit.verb.generate',
  'import': 'audit.verb.import',
  'export': 'audit.verb.export',
  cancelled: 'audit.verb.cancelled',
};

/** The keys that name an action: its own, or its noun and verb; null when neither is known. */
export function actionKeys(action: string): { own: LabelKey } | { noun: LabelKey; verb: LabelKey } | null {
  if (Object.hasOwn(actions, action)) return { own: actions[action] };
  const dot = action.lastIndexOf('.');
  if (dot <= 0) return null;
  const noun = action.slice(0, dot);
  const verb = action.slice(dot + 1);
  return Object.hasOwn(nouns, noun) && Object.hasOwn(verbs, verb) ? { noun: nouns[noun], verb: verbs[verb] } : null;
}
