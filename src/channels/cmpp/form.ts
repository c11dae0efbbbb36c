// The console's settings form of a cmpp channel (China Mobile ISMG): every field of config.ts, in zh-CN / en / ru.
import type { FieldSpec, FormText } from '../form.ts';
import { addressSpecs, feeOption, flowSpecs, numberFormatSpec, text, timingSpecs, udhOptions } from '../form-fields.ts';
import { Version } from './pdus.ts';

/** The fields of a cmpp channel, in the order the form shows them. */
export const cmppFields: FieldSpec[] = [
  ...addressSpecs(text('中国移动互联网短信网关（ISMG）的地址', 'The China Mobile ISMG’s address', 'Адрес шлюза ISMG China Mobile')),
  {
    name: 'version', kind: 'select', label: text('协议版本', 'Protocol version', 'Версия протокола'),
    hint: text('与网关一致；网关应答的版本不同时拒绝连接', 'As the gateway speaks; a gateway answering another version is refused', 'Как у шлюза; шлюз с другой версией отвергается'),
    options: [{ value: Version.v30, label: text('CMPP 3.0', 'CMPP 3.0', 'CMPP 3.0') }, { value: Version.v20, label: text('CMPP 2.0', 'CMPP 2.0', 'CMPP 2.0') }],
  },
  { name: 'spId', kind: 'text', label: text('企业代码（SP_Id）', 'SP code (SP_Id)', 'Код SP (SP_Id)'), hint: text('6 位，登录时的 Source_Addr，也是提交的 Msg_src', '6 characters: Source_Addr of the login and Msg_src of every submit', '6 символов: Source_Addr при входе и Msg_src каждой отправки') },
  { name: 'sharedSecret', kind: 'password', label: text('共享密钥', 'Shared secret', 'Общий секрет'), hint: text('与中国移动约定的登录密码；保存后不再显示', 'The login secret agreed with China Mobile; never shown again once saved', 'Пароль входа, согласованный с China Mobile; после сохранения не показывается') },
  { name: 'serviceId', kind: 'text', label: text('业务代码（Service_Id）', 'Service code (Service_Id)', 'Код услуги (Service_Id)'), hint: text('每条提交都带上的业务代码', 'Sent with every submit', 'Передаётся в каждой отправке') },
  { name: 'serviceNumber', kind: 'text', label: text('服务代码（接入号）', 'Service number', 'Сервисный номер'), hint: text('如 1065…；消息没有发送号码时作为 Src_Id（发送号码 = 服务代码 + 扩展码）', 'E.g. 1065…: Src_Id when a message has no sender (senders are service number + extension)', 'Напр. 1065…: Src_Id, если у сообщения нет отправителя (отправитель = номер + расширение)') },
  ...flowSpecs(text('每个连接未确认的提交数（规范建议 16）', 'Unacknowledged submits per bind (the spec suggests 16)', 'Неподтверждённых отправок на соединение (спецификация: 16)')),
  {
    name: 'chineseFormat', kind: 'select', label: text('中文编码', 'Chinese text coding', 'Кодировка китайского текста'),
    hint: text('GBK 无法表示的文字（如表情）仍用 UCS-2', 'Text GBK cannot hold (e.g. emoji) still goes as UCS-2', 'Текст вне GBK (напр. эмодзи) идёт как UCS-2'),
    options: [{ value: 'ucs2', label: text('UCS-2（Msg_Fmt 8）', 'UCS-2 (Msg_Fmt 8)', 'UCS-2 (Msg_Fmt 8)') }, { value: 'gbk', label: text('GBK（Msg_Fmt 15）', 'GBK (Msg_Fmt 15)', 'GBK (Msg_Fmt 15)') }],
  },
  numberFormatSpec('destFormat'),
  {
    name: 'feeType', kind: 'select', advanced: true, label: text('资费类别（FeeType）', 'Fee type (FeeType)', 'Тип тарифа (FeeType)'),
    options: [feeOption('01', 'free'), feeOption('02', 'perMessage'), feeOption('03', 'monthly')],
  },
  { name: 'feeCode', kind: 'text', advanced: true, label: text('资费（分）', 'Fee (fen)', 'Тариф (фэнь)'), hint: text('按条计费时每条的费用', 'Per message, when charged per message', 'За сообщение при посообщенной оплате') },
  {
    name: 'feeUserType', kind: 'select', advanced: true, label: text('计费用户类型', 'Who is charged (Fee_UserType)', 'Кто платит (Fee_UserType)'),
    options: [
      { value: 0, label: text('0：对接收号码计费', '0: the recipient', '0: получатель') },
      { value: 1, label: text('1：对发送号码计费', '1: the sender', '1: отправитель') },
      { value: 2, label: text('2：对 SP 计费', '2: the SP', '2: SP') },
      { value: 3, label: text('3：对被计费号码计费', '3: the charged number below', '3: номер ниже') },
    ],
  },
  { name: 'feeTerminalId', kind: 'text', advanced: true, label: text('被计费号码（Fee_terminal_Id）', 'Charged number (Fee_terminal_Id)', 'Оплачивающий номер (Fee_terminal_Id)'), hint: text('计费用户类型为 3 时填写', 'When Fee_UserType is 3', 'Если Fee_UserType = 3') },
  { name: 'msgLevel', kind: 'number', advanced: true, label: text('信息级别（Msg_level）', 'Message level (Msg_level)', 'Уровень сообщения (Msg_level)') },
  { name: 'linkId', kind: 'text', advanced: true, label: text('点播业务 LinkID', 'LinkID (on-demand services)', 'LinkID (услуги по запросу)'), hint: text('网关要求时填写（仅 CMPP 3.0）', 'Only when the gateway requires it (CMPP 3.0 only)', 'Только если шлюз требует (только CMPP 3.0)') },
  { name: 'validHours', kind: 'number', advanced: true, label: text('有效期（小时）', 'Validity (hours)', 'Срок жизни (часы)'), hint: text('0 = 网关默认', '0 = the gateway’s default', '0 — по умолчанию шлюза') },
  {
    name: 'concat', kind: 'select', advanced: true, label: text('长短信拼接', 'Long messages', 'Длинные сообщения'),
    options: udhOptions,
  },
  { name: 'verifyIsmg', kind: 'switch', advanced: true, label: text('校验网关认证码（AuthenticatorISMG）', 'Check the gateway’s AuthenticatorISMG', 'Проверять AuthenticatorISMG шлюза'), hint: text('网关无法证明共享密钥时拒绝连接', 'Refuse a gateway that cannot prove the shared secret', 'Отвергать шлюз, не подтвердивший секрет') },
  { name: 'activeTestSeconds', kind: 'number', advanced: true, label: text('链路检测间隔（秒）', 'ACTIVE_TEST interval (s)', 'Интервал ACTIVE_TEST (с)'), hint: text('空闲多久发送 ACTIVE_TEST；0 = 不发送', 'Idle time before an ACTIVE_TEST; 0 = none', 'Простой до ACTIVE_TEST; 0 — не слать') },
  { name: 'activeTestMisses', kind: 'number', advanced: true, label: text('链路检测失败次数', 'Unanswered ACTIVE_TESTs', 'Неотвеченных ACTIVE_TEST'), hint: text('连续未应答这么多次后断开重连', 'Reconnect after this many in a row', 'Переподключение после стольких подряд') },
  ...timingSpecs,
];

/** Why an ISMG refused our login, by the code the cmpp client gives (CONNECT_RESP Status, wrong version or authenticator). */
export const cmppLoginReasons: Readonly<Record<string, FormText>> = {
  'cmpp-connect:1': text('消息结构错：网关无法解析登录请求（协议版本是否正确？）', 'Message structure: the gateway could not read the login (is the version right?)', 'Ошибка структуры: шлюз не разобрал вход (верна ли версия?)'),
  'cmpp-connect:2': text('非法源地址：企业代码（SP_Id）错误', 'Illegal source address: the SP code (SP_Id) is wrong', 'Недопустимый адрес: неверный код SP (SP_Id)'),
  'cmpp-connect:3': text('认证错：企业代码或共享密钥错误', 'Authentication: wrong SP code or shared secret', 'Ошибка аутентификации: неверный код SP или секрет'),
  'cmpp-connect:4': text('版本太高：请改用网关支持的协议版本', 'Version too high: choose the version the gateway speaks', 'Слишком новая версия: выберите версию шлюза'),
  'cmpp-version': text('网关应答的协议版本与通道设置不同：请修改协议版本', 'The gateway answered another protocol version: change the channel’s version', 'Шлюз ответил другой версией протокола: измените версию'),
  'cmpp-ismg': text('网关认证码不符：共享密钥不一致，或对方不是中国移动网关', 'The gateway’s authenticator does not match: another secret, or not the gateway it claims to be', 'Аутентификатор шлюза не совпал: другой секрет или не тот шлюз'),
};
