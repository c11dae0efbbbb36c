// Language of the console: the typed dictionaries, `t()`, and dates (in the tenant's time zone), numbers and money formatted per locale.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { DateTime } from 'luxon';
import { en, type Messages } from './en.ts';
import { zhCN } from './zh-CN.ts';
import { ru } from './ru.ts';

/** A language of the console (the same codes as the server's user languages). */
export type Lang = 'zh-CN' | 'en' | 'ru';
/** The languages in the order the menu lists them, each named in itself. */
export const languages: { lang: Lang; name: string }[] = [
  { lang: 'zh-CN', name: '简体中文' },
  { lang: 'en', name: 'English' },
  { lang: 'ru', name: 'Русский' },
];
/** A key of the dictionaries. */
export type Key = keyof Messages;

/** Placeholder names in a text: `{name}`; literal braces such as `{{name}}` in examples are not placeholders. */
type Name<N extends string> = N extends `${string}${'{' | '|' | ':' | ' '}${string}` ? never : N;
type Vars<S> = S extends `${string}{${infer N}}${infer Rest}` ? Name<N> | Vars<Rest> : never;
/** A key whose text has no placeholders (usable where the key is chosen at run time). */
export type PlainKey = { [K in Key]: [Vars<(typeof en)[K]>] extends [never] ? K : never }[Key];
type VarArgs<K extends Key> = [Vars<(typeof en)[K]>] extends [never] ? [] : [vars: Record<Vars<(typeof en)[K]>, string | number>];
/** Translates a key; `{name}` placeholders in the English text are required arguments. */
export type T = <K extends Key>(key: K, ...vars: VarArgs<K>) => string;

const dictionaries: Record<Lang, Messages> = { 'zh-CN': zhCN, en, ru };
const storageKey = 'tidings.language';

/** Whether a string is one of the console's languages. */
export function isLang(s: unknown): s is Lang {
  return s === 'zh-CN' || s === 'en' || s === 'ru';
}

function initialLang(): Lang {
  const saved = localStorage.getItem(storageKey);
  if (isLang(saved)) return saved;
  const nav = navigator.language.toLowerCase();
  return nav.startsWith('ru') ? 'ru' : nav.startsWith('en') ? 'en' : 'zh-CN';
}

/** Formatters for the current locale, with times in the tenant's time zone. */
export interface Format {
  /** The zone times are shown in: the tenant's (Asia/Shanghai until it is known). */
  zone: string;
  /** A timestamp as date and time in the tenant's zone, or '—' when empty. */
  dateTime(iso: string | null | undefined): string;
  /** A timestamp as hour and minute in the tenant's zone. */
  time(iso: string): string;
  /** A count or amount. */
  number(n: number): string;
  /** Money kept in integer minor units (fen, a decimal string), shown in yuan with its currency (¥0.80). */
  money(minor: string): string;
  /** A timestamp as the value of a datetime-local input, in the tenant's zone ('' when empty). */
  toInput(iso: string | null | undefined): string;
  /** A datetime-local input's value, read in the tenant's zone, as an ISO timestamp (undefined when empty or invalid). */
  fromInput(local: string | null | undefined): string | undefined;
}

/** The zone the console shows times in until the tenant's is known. */
export const defaultZone = 'Asia/Shanghai';

interface I18n { lang: Lang; setLang(lang: Lang): void; t: T; fmt: Format; setZone(zone: string): void }

const Context = createContext<I18n | null>(null);

/** Provides the language, chosen from localStorage, then the browser, then Chinese. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(storageKey, l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const [zone, setZoneState] = useState(defaultZone);
  const setZone = useCallback((z: string) => setZoneState(DateTime.local().setZone(z).isValid ? z : defaultZone), []);
  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const t = ((key: Key, vars?: Record<string, string | number>) =>
      (dict[key] ?? key).replace(/\{(\w+)\}/g, (m, name: string) => (vars && name in vars ? String(vars[name]) : m))) as T;
    const dt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone: zone });
    const hm = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone });
    const num = new Intl.NumberFormat(lang);
    const cash = new Intl.NumberFormat(lang, { style: 'currency', currency: 'CNY', currencyDisplay: lang === 'zh-CN' ? 'symbol' : 'narrowSymbol', minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const fmt: Format = {
      zone,
      dateTime: (iso) => (iso ? dt.format(new Date(iso)) : '—'),
      time: (iso) => hm.format(new Date(iso)),
      toInput: (iso) => (iso ? DateTime.fromISO(iso, { zone }).toFormat("yyyy-MM-dd'T'HH:mm") : ''),
      fromInput(local) {
        if (!local) return undefined;
        const d = DateTime.fromISO(local, { zone });
        return d.isValid ? d.toUTC().toISO()! : undefined;
      },
      number: (n) => num.format(n),
      money(minor) {
        const v = BigInt(minor);
        const abs = v < 0n ? -v : v;
        return cash.format(`${v < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}` as Intl.StringNumericLiteral);
      },
    };
    document.documentElement.lang = lang;
    return { lang, setLang, t, fmt, setZone };
  }, [lang, setLang, zone, setZone]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/** The current language, `t()` and formatters. */
export function useI18n(): I18n {
  const v = useContext(Context);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
