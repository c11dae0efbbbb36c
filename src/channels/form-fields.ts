// What the settings forms of every binary protocol share: the label helper, the fields every config has (host,
// port, binds, window, rate, timings) and the reasons a connection test gives before any login is answered.
import type { FieldSpec, FormText } from './form.ts';

/** A text in the console's three languages. */
export function text(zh: string, en: string, ru: string): FormText {
  return { 'zh-CN': zh, en, ru };
}

/** Host and port of the carrier's gateway. */
export function addressSpecs(gateway: FormText): FieldSpec[] {
  return [
    { name: 'host', kind: 'text', label: text('主机', 'Host', 'Хост'), hint: gateway },
    { name: 'port', kind: 'number', label: text('端口', 'Port', 'Порт') },
  ];
}

/** Binds, window and rate: how much the carrier lets us send at once. */
export function flowSpecs(windowHint: FormText): FieldSpec[] {
  return [
    { name: 'binds', kind: 'number', label: text('连接数', 'Binds', 'Соединений'), hint: text('运营商允许的同时连接数', 'Connections the carrier allows at once', 'Сколько соединений допускает оператор') },
    { name: 'window', kind: 'number', label: text('滑动窗口', 'Window', 'Окно'), hint: windowHint },
    { name: 'tps', kind: 'number', label: text('速率（条/秒）', 'Rate (segments/s)', 'Скорость (сегм./с)'), hint: text('所有连接合计，按条（段）计；0 = 不限', 'Across all binds, in segments; 0 = unlimited', 'По всем соединениям, в сегментах; 0 — без ограничения') },
  ];
}

/** Answer timeout, reconnect backoff, retries and deadlines: the advanced timings every binary channel has. */
export const timingSpecs: FieldSpec[] = [
  { name: 'responseTimeoutMs', kind: 'number', advanced: true, label: text('应答超时（毫秒）', 'Answer timeout (ms)', 'Ожидание ответа (мс)'), hint: text('等待网关应答的最长时间', 'How long to wait for the gateway’s answer', 'Сколько ждать ответа шлюза') },
  { name: 'reconnect.minMs', kind: 'number', advanced: true, label: text('重连最短间隔（毫秒）', 'Reconnect, first wait (ms)', 'Переподключение: первая пауза (мс)'), hint: text('连接断开后首次重连前的等待，之后逐次加倍', 'Wait before the first reconnect; doubled each time', 'Пауза перед первым переподключением; затем удваивается') },
  { name: 'reconnect.maxMs', kind: 'number', advanced: true, label: text('重连最长间隔（毫秒）', 'Reconnect, longest wait (ms)', 'Переподключение: наибольшая пауза (мс)') },
  { name: 'configRetryMs', kind: 'number', advanced: true, label: text('登录被拒后重试间隔（毫秒）', 'Retry after a refused login (ms)', 'Повтор после отказа во входе (мс)'), hint: text('账号或密码错误时不会频繁重连', 'No reconnect storm against a gateway that refuses us', 'Без шквала переподключений к отказавшему шлюзу') },
  { name: 'maxAttempts', kind: 'number', advanced: true, label: text('每段最多尝试次数', 'Attempts per part', 'Попыток на сегмент'), hint: text('限流或临时错误时重试同一段', 'Retries of the same part after throttling or a temporary error', 'Повторы того же сегмента при ограничении скорости или временной ошибке') },
  { name: 'submitDeadlineMs', kind: 'number', advanced: true, label: text('提交截止时间（毫秒）', 'Submit deadline (ms)', 'Срок отправки (мс)'), hint: text('一条消息所有尝试的总时限', 'Overall time for every attempt of one message', 'Общее время всех попыток одного сообщения') },
  { name: 'reassemblyTimeoutMs', kind: 'number', advanced: true, label: text('长上行等待（毫秒）', 'Long MO wait (ms)', 'Ожидание частей входящего (мс)'), hint: text('等待长上行短信其余分段的时间', 'How long to wait for the missing parts of a long inbound message', 'Сколько ждать недостающие части длинного входящего') },
];

/** Reasons of a failed test before (or instead of) the gateway's answer to the login, by the SendError's code. */
export const connectReasons: Readonly<Record<string, FormText>> = {
  connect: text('无法连接到网关：请检查主机和端口，以及防火墙是否放行', 'Could not reach the gateway: check host, port and firewall', 'Шлюз недоступен: проверьте хост, порт и брандмауэр'),
  closed: text('网关在登录前断开了连接：请检查端口是否为该协议的端口', 'The gateway closed the connection before answering the login: is this the protocol’s port?', 'Шлюз закрыл соединение до ответа на вход: это порт нужного протокола?'),
  timeout: text('网关没有应答登录：请检查主机、端口和协议', 'The gateway did not answer the login: check host, port and protocol', 'Шлюз не ответил на вход: проверьте хост, порт и протокол'),
};

/** The hint of every secret field. */
export const secretHint = text('保存后不再显示', 'Never shown again once saved', 'После сохранения не показывается');

/** The UDH choices of long messages: 8- or 16-bit concatenation reference. */
export const udhOptions = [
  { value: 'udh8', label: text('UDH（8 位参考号）', 'UDH, 8-bit reference', 'UDH, 8 бит') },
  { value: 'udh16', label: text('UDH（16 位参考号）', 'UDH, 16-bit reference', 'UDH, 16 бит') },
];

/** The recipient number format select of a config key whose values are `national` and `international`. */
export function numberFormatSpec(name: string): FieldSpec {
  return {
    name, kind: 'select', label: text('接收号码格式', 'Recipient number format', 'Формат номера получателя'),
    options: [
      { value: 'national', label: text('国内格式（13800138000，去掉 86）', 'National (13800138000, 86 removed)', 'Национальный (13800138000, без 86)') },
      { value: 'international', label: text('国际格式（8613800138000）', 'International (8613800138000)', 'Международный (8613800138000)') },
    ],
  };
}

const fees = {
  free: text('免费', 'free', 'бесплатно'),
  perMessage: text('按条计信息费', 'per message', 'за сообщение'),
  monthly: text('按包月收取信息费', 'monthly', 'помесячно'),
};

/** A fee type choice written as the carrier codes it ("01：免费"). */
export function feeOption(value: string | number, fee: keyof typeof fees | FormText): { value: string | number; label: FormText } {
  const words = typeof fee === 'string' ? fees[fee] : fee;
  return { value, label: text(`${value}：${words['zh-CN']}`, `${value}: ${words.en}`, `${value}: ${words.ru}`) };
}
