// The console's settings form of an smpp channel (the fields of config.ts that an operator sets by hand).
import type { ChannelField } from '../form.ts';

/** The fields of an smpp channel, in the order the form shows them. */
export const smppFields: ChannelField[] = [
  { name: 'host', kind: 'text', required: true, label: { 'zh-CN': '主机', en: 'Host', ru: 'Хост' }, hint: { 'zh-CN': '运营商短信中心（SMSC）的地址', en: 'The carrier SMSC’s address', ru: 'Адрес SMSC оператора' } },
  { name: 'port', kind: 'number', required: true, default: 2775, min: 1, max: 65535, label: { 'zh-CN': '端口', en: 'Port', ru: 'Порт' } },
  { name: 'systemId', kind: 'text', required: true, label: { 'zh-CN': '账号（system_id）', en: 'Account (system_id)', ru: 'Учётная запись (system_id)' }, hint: { 'zh-CN': '最多 15 个字符', en: 'At most 15 characters', ru: 'Не более 15 символов' } },
  { name: 'password', kind: 'password', label: { 'zh-CN': '密码', en: 'Password', ru: 'Пароль' }, hint: { 'zh-CN': '最多 8 个字符', en: 'At most 8 characters', ru: 'Не более 8 символов' } },
  { name: 'systemType', kind: 'text', label: { 'zh-CN': '系统类型（system_type）', en: 'System type', ru: 'Тип системы' }, hint: { 'zh-CN': '运营商未要求时留空', en: 'Leave empty unless the carrier asks for one', ru: 'Оставьте пустым, если оператор не требует' } },
  { name: 'binds', kind: 'number', default: 1, min: 1, max: 64, label: { 'zh-CN': '连接数', en: 'Binds', ru: 'Соединений' }, hint: { 'zh-CN': '运营商允许的同时连接数', en: 'Connections the carrier allows at once', ru: 'Сколько соединений допускает оператор' } },
  {
    name: 'bindMode', kind: 'select', default: 'transceiver', label: { 'zh-CN': '连接方式', en: 'Bind mode', ru: 'Режим соединения' },
    options: [
      { value: 'transceiver', label: { 'zh-CN': '收发合一（transceiver）', en: 'Transceiver', ru: 'Приём и передача (transceiver)' } },
      { value: 'transmitter+receiver', label: { 'zh-CN': '发送与接收分开', en: 'Transmitter + receiver', ru: 'Раздельные передатчик и приёмник' } },
    ],
  },
  { name: 'window', kind: 'number', default: 10, min: 1, max: 10000, label: { 'zh-CN': '滑动窗口', en: 'Window', ru: 'Окно' }, hint: { 'zh-CN': '每个连接未确认的最大条数', en: 'Unacknowledged submits per bind', ru: 'Неподтверждённых отправок на соединение' } },
  { name: 'tps', kind: 'number', default: 0, min: 0, label: { 'zh-CN': '速率（条/秒）', en: 'Rate (segments/s)', ru: 'Скорость (сегм./с)' }, hint: { 'zh-CN': '所有连接合计；0 = 不限', en: 'Across all binds; 0 = unlimited', ru: 'По всем соединениям; 0 — без ограничения' } },
  {
    name: 'idFormat', kind: 'select', default: 'asis', label: { 'zh-CN': '消息 ID 格式', en: 'Message id format', ru: 'Формат id сообщения' },
    hint: { 'zh-CN': '回执中的 ID 与提交应答中的不一致时选择', en: 'For SMSCs whose receipts spell ids differently', ru: 'Если в отчётах id записаны иначе' },
    options: [
      { value: 'asis', label: { 'zh-CN': '原样', en: 'As is', ru: 'Как есть' } },
      { value: 'hex', label: { 'zh-CN': '十六进制', en: 'Hexadecimal', ru: 'Шестнадцатеричный' } },
      { value: 'decimal', label: { 'zh-CN': '十进制', en: 'Decimal', ru: 'Десятичный' } },
    ],
  },
  { name: 'defaultSource', kind: 'text', label: { 'zh-CN': '默认发送号码', en: 'Default sender', ru: 'Отправитель по умолчанию' }, hint: { 'zh-CN': '消息没有发送号码时使用', en: 'Used when a message has none', ru: 'Если у сообщения его нет' } },
  {
    name: 'concat', kind: 'select', default: 'udh8', label: { 'zh-CN': '长短信拼接', en: 'Long messages', ru: 'Длинные сообщения' },
    options: [
      { value: 'udh8', label: { 'zh-CN': 'UDH（8 位参考号）', en: 'UDH, 8-bit reference', ru: 'UDH, 8 бит' } },
      { value: 'udh16', label: { 'zh-CN': 'UDH（16 位参考号）', en: 'UDH, 16-bit reference', ru: 'UDH, 16 бит' } },
      { value: 'sar', label: { 'zh-CN': 'SAR TLV', en: 'SAR TLVs', ru: 'SAR TLV' } },
    ],
  },
];
