// Pure rules of the points service: the words customers text and the replies, with zh/en/ru defaults a tenant may
// override, and which word a keyword is.
import { keywordKey } from '../matching.ts';

/** Languages with default words and replies. */
export type PointsLanguage = 'zh' | 'en' | 'ru';

/** The replies of the points service; {{balance}}, {{code}}, {{gift}}, {{points}}, {{gifts}} fill in. */
export interface PointsReplies {
  balance: string; redeemed: string; missingCode: string; unknownGift: string; notStarted: string; ended: string; outOfStock: string; insufficient: string;
}

/** The default words per language: balance first, redeem second. */
export const defaultWords: Record<PointsLanguage, { balance: string[]; redeem: string[] }> = {
  zh: { balance: ['JF', '积分'], redeem: ['DH', '兑换'] },
  en: { balance: ['POINTS', 'BAL'], redeem: ['REDEEM'] },
  ru: { balance: ['БАЛЛЫ'], redeem: ['ОБМЕН'] },
};

/** The default replies per language. */
export const defaultReplies: Record<PointsLanguage, PointsReplies> = {
  zh: {
    balance: '您当前可用积分{{balance}}分。{{gifts}}',
    redeemed: '兑换成功：{{gift}}，扣除{{points}}积分，剩余{{balance}}分。我们将尽快为您发放。',
    missingCode: '请回复“DH+礼品代码”兑换，例如 DH G01。{{gifts}}',
    unknownGift: '没有代码为{{code}}的礼品，请核对后重试。{{gifts}}',
    notStarted: '礼品{{gift}}尚未开始兑换，请稍后再试。',
    ended: '礼品{{gift}}的兑换已结束。',
    outOfStock: '很抱歉，礼品{{gift}}已兑完。',
    insufficient: '积分不足：{{gift}}需要{{points}}积分，您当前有{{balance}}分。',
  },
  en: {
    balance: 'You have {{balance}} points. {{gifts}}',
    redeemed: 'Redeemed: {{gift}} for {{points}} points; {{balance}} points left. We will send it soon.',
    missingCode: 'Reply REDEEM and a gift code, e.g. REDEEM G01. {{gifts}}',
    unknownGift: 'There is no gift with code {{code}}. {{gifts}}',
    notStarted: '{{gift}} cannot be redeemed yet.',
    ended: 'Redemption of {{gift}} has ended.',
    outOfStock: 'Sorry, {{gift}} is out of stock.',
    insufficient: 'Not enough points: {{gift}} needs {{points}}, you have {{balance}}.',
  },
  ru: {
    balance: 'У вас {{balance}} баллов. {{gifts}}',
    redeemed: 'Обмен выполнен: {{gift}} за {{points}} баллов, осталось {{balance}}. Скоро отправим.',
    missingCode: 'Ответьте ОБМЕН и код подарка, например ОБМЕН G01. {{gifts}}',
    unknownGift: 'Подарка с кодом {{code}} нет. {{gifts}}',
    notStarted: 'Обмен на {{gift}} ещё не начался.',
    ended: 'Обмен на {{gift}} завершён.',
    outOfStock: 'К сожалению, {{gift}} закончился.',
    insufficient: 'Недостаточно баллов: {{gift}} стоит {{points}}, у вас {{balance}}.',
  },
};

const giftWord: Record<PointsLanguage, (code: string, name: string, points: number) => string> = {
  zh: (c, n, p) => `${c} ${n}(${p}分)`,
  en: (c, n, p) => `${c} ${n} (${p} pts)`,
  ru: (c, n, p) => `${c} ${n} (${p} б.)`,
};
const giftsLead: Record<PointsLanguage, string> = { zh: '可兑换：', en: 'Gifts: ', ru: 'Подарки: ' };

/** The words of a service: the tenant's own, else its language's defaults. */
export function pointsWords(c: { language: PointsLanguage; balanceWords?: string[]; redeemWords?: string[] }): { balance: string[]; redeem: string[] } {
  return { balance: c.balanceWords?.length ? c.balanceWords : defaultWords[c.language].balance, redeem: c.redeemWords?.length ? c.redeemWords : defaultWords[c.language].redeem };
}

/** Whether the keyword that matched is a redeem word (else a balance word). */
export function isRedeemWord(words: { redeem: string[] }, keyword: string | null): boolean {
  return keyword !== null && words.redeem.some((w) => keywordKey(w) === keyword);
}

/** The reply templates: the tenant's overrides over its language's defaults. */
export function pointsReplies(language: PointsLanguage, overrides: Partial<PointsReplies> = {}): PointsReplies {
  const out = { ...defaultReplies[language] };
  for (const k of Object.keys(out) as Array<keyof PointsReplies>) if (overrides[k]) out[k] = overrides[k]!;
  return out;
}

/** A short list of the gifts open to redemption for {{gifts}} (at most `max`, '' when none). */
export function giftsLine(language: PointsLanguage, gifts: Array<{ code: string; name: string; points: number }>, max = 5): string {
  if (!gifts.length) return '';
  return giftsLead[language] + gifts.slice(0, max).map((g) => giftWord[language](g.code, g.name, g.points)).join(language === 'zh' ? '；' : '; ');
}
