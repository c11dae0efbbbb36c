// The console's settings form of an smpp channel: every field of config.ts, its words in zh-CN / en / ru.
import type { FieldSpec, FormText } from '../form.ts';
import { addressSpecs, flowSpecs, secretHint, text, timingSpecs, udhOptions } from '../form-fields.ts';
import { statusName } from './pdus.ts';

const ton = (name: string, zh: string, en: string, ru: string): FieldSpec => ({ name, kind: 'number', advanced: true, label: text(zh, en, ru) });
const idFormats = [
  { value: 'asis', label: text('原样', 'As is', 'Как есть') },
  { value: 'hex', label: text('十六进制', 'Hexadecimal', 'Шестнадцатеричный') },
  { value: 'decimal', label: text('十进制', 'Decimal', 'Десятичный') },
];

/** The fields of an smpp channel, in the order the form shows them. */
export const smppFields: FieldSpec[] = [
  ...addressSpecs(text('运营商短信中心（SMSC）的地址', 'The carrier SMSC’s address', 'Адрес SMSC оператора')).map((f) => (f.name === 'port' ? { ...f, default: 2775 } : f)),
  { name: 'systemId', kind: 'text', label: text('账号（system_id）', 'Account (system_id)', 'Учётная запись (system_id)') },
  { name: 'password', kind: 'password', label: text('密码', 'Password', 'Пароль'), hint: secretHint },
  { name: 'systemType', kind: 'text', label: text('系统类型（system_type）', 'System type', 'Тип системы'), hint: text('运营商未要求时留空', 'Leave empty unless the carrier asks for one', 'Оставьте пустым, если оператор не требует') },
  ...flowSpecs(text('每个连接未确认的最大条数', 'Unacknowledged submits per bind', 'Неподтверждённых отправок на соединение')),
  {
    name: 'bindMode', kind: 'select', label: text('连接方式', 'Bind mode', 'Режим соединения'),
    options: [
      { value: 'transceiver', label: text('收发合一（transceiver）', 'Transceiver', 'Приём и передача (transceiver)') },
      { value: 'transmitter+receiver', label: text('发送与接收分开', 'Transmitter + receiver', 'Раздельные передатчик и приёмник') },
    ],
  },
  {
    name: 'idFormat', kind: 'select', label: text('消息 ID 格式', 'Message id format', 'Формат id сообщения'), options: idFormats,
    hint: text('回执中的 ID 与提交应答中的不一致时选择', 'For SMSCs whose receipts spell ids differently', 'Если в отчётах id записаны иначе'),
  },
  { name: 'defaultSource', kind: 'text', label: text('默认发送号码', 'Default sender', 'Отправитель по умолчанию'), hint: text('消息没有发送号码时使用', 'Used when a message has none', 'Если у сообщения его нет') },
  {
    name: 'concat', kind: 'select', label: text('长短信拼接', 'Long messages', 'Длинные сообщения'),
    options: [
      ...udhOptions,
      { value: 'sar', label: text('SAR TLV', 'SAR TLVs', 'SAR TLV') },
    ],
  },
  {
    name: 'defaultDataCoding', kind: 'select', advanced: true, label: text('英文编码（data_coding）', 'Coding of GSM-alphabet text', 'Кодировка латиницы (data_coding)'),
    hint: text('中文等其他文字总是 UCS-2（8）', 'Other text always goes as UCS-2 (8)', 'Прочий текст всегда UCS-2 (8)'),
    options: [
      { value: 0, label: text('0：GSM 7 位', '0: GSM-7', '0: GSM-7') },
      { value: 1, label: text('1：IA5（ASCII）', '1: IA5 (ASCII)', '1: IA5 (ASCII)') },
      { value: 3, label: text('3：Latin-1', '3: Latin-1', '3: Latin-1') },
    ],
  },
  ton('sourceTon', '发送号码 TON', 'Sender TON', 'TON отправителя'),
  ton('sourceNpi', '发送号码 NPI', 'Sender NPI', 'NPI отправителя'),
  ton('destTon', '接收号码 TON', 'Recipient TON', 'TON получателя'),
  ton('destNpi', '接收号码 NPI', 'Recipient NPI', 'NPI получателя'),
  { name: 'enquireLinkSeconds', kind: 'number', advanced: true, label: text('链路检测间隔（秒）', 'Enquire-link interval (s)', 'Интервал enquire_link (с)'), hint: text('空闲多久发送 enquire_link；0 = 不发送', 'Idle time before an enquire_link; 0 = none', 'Простой до enquire_link; 0 — не слать') },
  ...timingSpecs,
];

const reason = (status: number, zh: string, en: string, ru: string): [string, FormText] => [statusName(status), text(zh, en, ru)];

/** Why an SMSC refused our bind, by its command_status. */
export const smppLoginReasons: Readonly<Record<string, FormText>> = Object.fromEntries([
  reason(0x0e, '密码错误', 'Wrong password', 'Неверный пароль'),
  reason(0x0f, '账号（system_id）错误', 'Wrong account (system_id)', 'Неверная учётная запись (system_id)'),
  reason(0x53, '系统类型（system_type）错误', 'Wrong system type', 'Неверный тип системы'),
  reason(0x0d, '短信中心拒绝了连接', 'The SMSC refused the bind', 'SMSC отказал в соединении'),
  reason(0x05, '该账号已连接（超过允许的连接数）', 'Already bound (more binds than allowed)', 'Уже подключено (больше соединений, чем разрешено)'),
]);
