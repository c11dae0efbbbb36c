// Pure rules of refer-a-friend: the words and replies (zh/en/ru defaults), what kind of number a friend's is, the
// referrer's day in the tenant's zone, and how the referrer is named in the invitation.
import { DateTime } from 'luxon';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { normalizePhone, type CountryCode } from '../../domain/phone.ts';

/** Languages with default words and replies. */
export type ReferralLanguage = 'zh' | 'en' | 'ru';

/** Every reply of the service; {{referrer}} {{friend}} {{days}} {{join}} {{points}} {{friendPoints}} {{limit}} fill in. */
export interface ReferralReplies {
  invited: string; invitation: string; notMember: string; missingNumber: string; invalid: string; landline: string; ownNumber: string; member: string;
  unreachable: string; alreadyReferred: string; limit: string; joined: string; rewarded: string; noInvitation: string; alreadyJoined: string; expired: string;
}

/** The default words per language: refer first, join second. */
export const defaultWords: Record<ReferralLanguage, { refer: string[]; join: string[] }> = {
  zh: { refer: ['推荐'], join: ['加入'] },
  en: { refer: ['REFER'], join: ['JOIN'] },
  ru: { refer: ['ПРИГЛАСИТЬ'], join: ['ВСТУПИТЬ'] },
};

/** The default replies per language. */
export const defaultReplies: Record<ReferralLanguage, ReferralReplies> = {
  zh: {
    invited: '已向{{friend}}发送邀请，好友{{days}}天内回复“{{join}}”后您将获得{{points}}积分。',
    invitation: '您的好友{{referrer}}邀请您加入会员，{{days}}天内回复“{{join}}”即可获得{{friendPoints}}积分。',
    notMember: '推荐好友仅限会员参加。',
    missingNumber: '请回复“{{refer}}+好友手机号”，例如 {{refer}} 13900001111。',
    invalid: '“{{friend}}”不是有效的手机号码，请核对后重试。',
    landline: '{{friend}}是固定电话，无法接收邀请短信，请推荐好友的手机号码。',
    ownNumber: '不能推荐您自己的号码哦。',
    member: '{{friend}}已经是会员了，感谢您的推荐。',
    unreachable: '很抱歉，无法向{{friend}}发送邀请。',
    alreadyReferred: '{{friend}}已被其他会员推荐过，感谢您的支持。',
    limit: '您今天已推荐{{limit}}位好友，请明天再来。',
    joined: '欢迎加入！{{friendPoints}}积分已到账。',
    rewarded: '您推荐的好友{{friend}}已加入，{{points}}积分已到账。',
    noInvitation: '没有找到给您的邀请。',
    alreadyJoined: '您已经加入，无需重复回复。',
    expired: '很抱歉，邀请已过期。',
  },
  en: {
    invited: 'We invited {{friend}}. When they reply {{join}} within {{days}} days you get {{points}} points.',
    invitation: 'Your friend {{referrer}} invites you to join us: reply {{join}} within {{days}} days and get {{friendPoints}} points.',
    notMember: 'Only members can refer friends.',
    missingNumber: 'Reply {{refer}} and your friend\'s mobile number, e.g. {{refer}} 13900001111.',
    invalid: '"{{friend}}" is not a valid mobile number.',
    landline: '{{friend}} is a landline and cannot receive texts; please refer a mobile number.',
    ownNumber: 'You cannot refer your own number.',
    member: '{{friend}} is already a member. Thank you!',
    unreachable: 'Sorry, we cannot send an invitation to {{friend}}.',
    alreadyReferred: '{{friend}} was already referred by another member. Thank you!',
    limit: 'You referred {{limit}} friends today; please try again tomorrow.',
    joined: 'Welcome! {{friendPoints}} points are yours.',
    rewarded: 'Your friend {{friend}} joined: {{points}} points are yours.',
    noInvitation: 'We found no invitation for you.',
    alreadyJoined: 'You have already joined.',
    expired: 'Sorry, the invitation has expired.',
  },
  ru: {
    invited: 'Мы пригласили {{friend}}. Когда друг ответит {{join}} в течение {{days}} дн., вы получите {{points}} баллов.',
    invitation: 'Ваш друг {{referrer}} приглашает вас: ответьте {{join}} в течение {{days}} дн. и получите {{friendPoints}} баллов.',
    notMember: 'Приглашать друзей могут только участники.',
    missingNumber: 'Ответьте {{refer}} и номер друга, например {{refer}} 13900001111.',
    invalid: '«{{friend}}» — неверный мобильный номер.',
    landline: '{{friend}} — стационарный номер, он не принимает SMS; укажите мобильный.',
    ownNumber: 'Нельзя пригласить собственный номер.',
    member: '{{friend}} уже участник. Спасибо!',
    unreachable: 'К сожалению, отправить приглашение на {{friend}} нельзя.',
    alreadyReferred: '{{friend}} уже пригласил другой участник. Спасибо!',
    limit: 'Сегодня вы пригласили {{limit}} друзей; попробуйте завтра.',
    joined: 'Добро пожаловать! Вам начислено {{friendPoints}} баллов.',
    rewarded: 'Ваш друг {{friend}} присоединился: вам начислено {{points}} баллов.',
    noInvitation: 'Приглашение для вас не найдено.',
    alreadyJoined: 'Вы уже присоединились.',
    expired: 'К сожалению, приглашение истекло.',
  },
};

/** The words of a service: the tenant's own, else its language's defaults. */
export function referralWords(c: { language: ReferralLanguage; referWords?: string[]; joinWords?: string[] }): { refer: string[]; join: string[] } {
  return { refer: c.referWords?.length ? c.referWords : defaultWords[c.language].refer, join: c.joinWords?.length ? c.joinWords : defaultWords[c.language].join };
}

/** The reply templates: the tenant's overrides over its language's defaults. */
export function referralReplies(language: ReferralLanguage, overrides: Partial<ReferralReplies> = {}): ReferralReplies {
  const out = { ...defaultReplies[language] };
  for (const k of Object.keys(out) as Array<keyof ReferralReplies>) if (overrides[k]) out[k] = overrides[k]!;
  return out;
}

/** What a friend's number is: a mobile (invitable), a landline (clear refusal) or not a number at all. */
export type FriendNumber = { kind: 'mobile'; e164: string } | { kind: 'landline'; e164: string } | { kind: 'invalid'; detail: string };

/** Classifies the number a member texted, in the tenant's default country. */
export function friendNumber(raw: string, country: CountryCode): FriendNumber {
  const r = normalizePhone(raw, country);
  if (!r.ok) return { kind: 'invalid', detail: r.detail };
  const type = parsePhoneNumberFromString(r.e164)?.getType();
  if (type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE') return { kind: 'mobile', e164: r.e164 };
  if (type === 'FIXED_LINE' || type === 'TOLL_FREE' || type === 'SHARED_COST' || type === 'VOIP' || type === 'UAN' || type === 'PREMIUM_RATE') return { kind: 'landline', e164: r.e164 };
  return { kind: 'invalid', detail: `${raw} is not a mobile number` };
}

/** The referrer's calendar day in the tenant's zone (the daily limit counts per day there). */
export function referralDay(now: Date, zone: string): string {
  return DateTime.fromJSDate(now).setZone(zone).toISODate() ?? now.toISOString().slice(0, 10);
}

/** How the invitation names the referrer: the member's name, else the number with its middle hidden (139****1111). */
export function referrerLabel(name: string | null, e164: string): string {
  if (name?.trim()) return name.trim();
  const national = e164.startsWith('+86') ? e164.slice(3) : e164.replace(/^\+/, '');
  return national.length > 7 ? `${national.slice(0, 3)}****${national.slice(-4)}` : national;
}

/** A friend's number as shown back to the referrer: national digits for China, E.164 otherwise. */
export function shownNumber(e164: string): string {
  return e164.startsWith('+86') ? e164.slice(3) : e164;
}
