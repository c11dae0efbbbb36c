// The console's settings form of an smgp channel (China Telecom SMGW): every field of config.ts, in zh-CN / en / ru.
import type { FieldSpec, FormText } from '../form.ts';
import { addressSpecs, feeOption, flowSpecs, numberFormatSpec, text, timingSpecs } from '../form-fields.ts';

/** The fields of an smgp channel, in the order the form shows them. */
export const smgpFields: FieldSpec[] = [
  ...addressSpecs(text('中国电信短信网关（SMGW）的地址', 'The China Telecom SMGW’s address', 'Адрес шлюза SMGW China Telecom')).map((f) => (f.name === 'port' ? { ...f, default: 8890 } : f)),
  { name: 'clientId', kind: 'text', label: text('登录账号（ClientID）', 'Login account (ClientID)', 'Учётная запись (ClientID)'), hint: text('电信分配的 SP 登录账号', 'The SP login China Telecom gave', 'Вход SP от China Telecom') },
  { name: 'secret', kind: 'password', label: text('共享密钥', 'Shared secret', 'Общий секрет'), hint: text('登录认证用的密码；保存后不再显示', 'The login’s secret; never shown again once saved', 'Секрет входа; после сохранения не показывается') },
  {
    name: 'loginMode', kind: 'select', label: text('登录方式', 'Login mode', 'Режим входа'),
    options: [
      { value: 'transmit', label: text('收发合一（每个连接收发）', 'Transmit (each bind sends and receives)', 'Приём и передача на каждом соединении') },
      { value: 'send+receive', label: text('发送与接收分开', 'Separate send and receive logins', 'Раздельные вход отправки и приёма') },
      { value: 'send', label: text('仅发送', 'Send only', 'Только отправка') },
      { value: 'receive', label: text('仅接收', 'Receive only', 'Только приём') },
    ],
  },
  ...flowSpecs(text('每个连接未应答的请求数（规范建议 16）', 'Requests in flight per bind (the spec suggests 16)', 'Запросов без ответа на соединение (спецификация: 16)')),
  { name: 'spNumber', kind: 'text', label: text('SP 接入号（SrcTermID）', 'SP number (SrcTermID)', 'Номер SP (SrcTermID)'), hint: text('118 + SP 服务代码（+ 扩展码），消息没有发送号码时使用', '118 + SP code (+ extension), used when a message has no sender', '118 + код SP (+ расширение), если у сообщения нет отправителя') },
  { name: 'serviceId', kind: 'text', label: text('业务代码（ServiceID）', 'Service code (ServiceID)', 'Код услуги (ServiceID)') },
  {
    name: 'chineseFormat', kind: 'select', label: text('中文编码', 'Chinese text coding', 'Кодировка китайского текста'),
    options: [{ value: 15, label: text('GB18030（15，规范要求）', 'GB18030 (15, as the spec requires)', 'GB18030 (15, по спецификации)') }, { value: 8, label: text('UCS-2（8）', 'UCS-2 (8)', 'UCS-2 (8)') }],
  },
  numberFormatSpec('destNumbers'),
  {
    name: 'feeType', kind: 'select', advanced: true, label: text('收费类型（FeeType）', 'Fee type (FeeType)', 'Тип тарифа (FeeType)'),
    options: [feeOption('00', 'free'), feeOption('01', 'perMessage'), feeOption('02', 'monthly'), feeOption('03', text('按封顶收取信息费', 'capped', 'с потолком'))],
  },
  { name: 'feeCode', kind: 'text', advanced: true, label: text('资费代码（分）', 'Fee (fen)', 'Тариф (фэнь)'), hint: text('按条计费时每条的费用', 'Per message, when charged per message', 'За сообщение при посообщенной оплате') },
  { name: 'fixedFee', kind: 'text', advanced: true, label: text('包月费/封顶费（分）', 'Monthly / capped fee (fen)', 'Абонплата / потолок (фэнь)') },
  { name: 'chargeTermId', kind: 'text', advanced: true, label: text('计费号码（ChargeTermID）', 'Charged number (ChargeTermID)', 'Оплачивающий номер (ChargeTermID)'), hint: text('留空 = 按收费类型向接收用户计费', 'Empty = the recipient is charged per the fee type', 'Пусто — платит получатель по типу тарифа') },
  { name: 'priority', kind: 'number', advanced: true, label: text('优先级', 'Priority', 'Приоритет'), hint: text('0–3，从低到高', '0–3, low to high', '0–3, по возрастанию') },
  { name: 'msgSrc', kind: 'text', advanced: true, label: text('信息内容来源（MsgSrc）', 'Message source (MsgSrc TLV)', 'Источник (MsgSrc TLV)'), hint: text('SP 的企业代码；填写时发送', 'The SP’s enterprise code; sent when set', 'Код предприятия SP; передаётся, если задан') },
  { name: 'mServiceId', kind: 'text', advanced: true, label: text('移动网业务代码（MServiceID）', 'Mobile service id (MServiceID TLV)', 'Код мобильной услуги (MServiceID TLV)'), hint: text('填写时发送', 'Sent when set', 'Передаётся, если задан') },
  { name: 'verifyServer', kind: 'switch', advanced: true, label: text('校验网关认证码（AuthenticatorServer）', 'Check the gateway’s AuthenticatorServer', 'Проверять AuthenticatorServer шлюза'), hint: text('仅对已知填错认证码的网关关闭', 'Turn off only for a gateway known to fill it wrongly', 'Отключайте только для шлюза, заполняющего его неверно') },
  { name: 'activeTestSeconds', kind: 'number', advanced: true, label: text('链路检测间隔（秒）', 'Active_Test interval (s)', 'Интервал Active_Test (с)'), hint: text('空闲多久发送 Active_Test；0 = 不发送', 'Idle time before an Active_Test; 0 = none', 'Простой до Active_Test; 0 — не слать') },
  ...timingSpecs,
];

/** Why an SMGW refused our Login, by the code the smgp client gives (Login_Resp Status, version, authenticator). */
export const smgpLoginReasons: Readonly<Record<string, FormText>> = {
  'smgp:1': text('系统忙：请稍后再试', 'System busy: try again later', 'Система занята: попробуйте позже'),
  'smgp:2': text('超过最大连接数', 'Too many connections', 'Слишком много соединений'),
  'smgp:20': text('IP 地址错：本机地址未在电信登记', 'Bad IP address: this server’s address is not registered with China Telecom', 'Неверный IP: адрес сервера не зарегистрирован в China Telecom'),
  'smgp:21': text('认证错：登录账号或共享密钥错误', 'Authentication: wrong login account or shared secret', 'Ошибка аутентификации: неверная учётная запись или секрет'),
  'smgp:22': text('版本太高：网关不支持 SMGP 3.0', 'Version too high: the gateway does not speak SMGP 3.0', 'Слишком новая версия: шлюз не поддерживает SMGP 3.0'),
  version: text('网关的 SMGP 版本与本通道（3.0）不同', 'The gateway speaks another SMGP version than this channel (3.0)', 'Шлюз говорит на другой версии SMGP, чем канал (3.0)'),
  authenticator: text('网关认证码不符：共享密钥不一致，或对方不是电信网关', 'The gateway’s authenticator does not match: another secret, or not the gateway it claims to be', 'Аутентификатор шлюза не совпал: другой секрет или не тот шлюз'),
};
