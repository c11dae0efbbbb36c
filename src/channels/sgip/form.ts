// The console's settings form of an sgip channel (China Unicom SMG): every field of config.ts, in zh-CN / en / ru,
// including the listener the SMG connects back to (Bind login type 2).
import type { FieldSpec, FormText } from '../form.ts';
import { addressSpecs, feeOption, flowSpecs, secretHint, text, timingSpecs } from '../form-fields.ts';

/** The fields of an sgip channel, in the order the form shows them. */
export const sgipFields: FieldSpec[] = [
  ...addressSpecs(text('中国联通短信网关（SMG）的地址', 'The China Unicom SMG’s address', 'Адрес шлюза SMG China Unicom')),
  { name: 'loginName', kind: 'text', label: text('登录名', 'Login name', 'Имя входа'), hint: text('联通分配的 SP 账号（Bind 登录类型 1，用于提交）', 'The SP login China Unicom gave (Bind login type 1, for submits)', 'Вход SP от China Unicom (Bind тип 1, для отправки)') },
  { name: 'password', kind: 'password', label: text('密码', 'Password', 'Пароль'), hint: secretHint },
  { name: 'nodeId', kind: 'number', label: text('SP 节点编号', 'SP node number', 'Номер узла SP'), hint: text('3AAAAQQQQQ 格式（如 3010012345），序列号的第一部分', '3AAAAQQQQQ (e.g. 3010012345): the first part of every sequence number', '3AAAAQQQQQ (напр. 3010012345): первая часть номера последовательности') },
  { name: 'listenHost', kind: 'text', label: text('回连监听地址', 'Listen address (SMG connects back)', 'Адрес приёма (обратное подключение SMG)'), hint: text('SMG 回连本平台（Bind 登录类型 2）下发上行和状态报告的地址；0.0.0.0 = 所有网卡', 'Where the SMG connects back (Bind login type 2) with MO and reports; 0.0.0.0 = every interface', 'Куда SMG подключается обратно (Bind тип 2) с входящими и отчётами; 0.0.0.0 — все интерфейсы') },
  { name: 'listenPort', kind: 'number', label: text('回连监听端口', 'Listen port', 'Порт приёма'), hint: text('规范为 8801；0 = 任意空闲端口；须与告知联通的端口一致', '8801 by the spec; 0 = any free port; must be the port given to China Unicom', '8801 по спецификации; 0 — любой свободный; тот, что сообщён China Unicom') },
  { name: 'listenLoginName', kind: 'text', label: text('SMG 回连登录名', 'SMG’s login name', 'Имя входа SMG'), hint: text('为 SMG 回连设定的登录名（错误时以结果 1 拒绝）', 'The login we gave the SMG for its Bind (a wrong one is refused with result 1)', 'Вход, выданный SMG для его Bind (неверный отвергается с результатом 1)') },
  { name: 'sharedSecret', kind: 'password', label: text('SMG 回连密码', 'SMG’s password', 'Пароль SMG'), hint: secretHint },
  ...flowSpecs(text('每个连接等待应答的命令数（规范最多 32）', 'Commands awaiting an answer per connection (at most 32)', 'Команд без ответа на соединение (не более 32)')),
  { name: 'spNumber', kind: 'text', label: text('SP 接入号（SPNumber）', 'SP number (SPNumber)', 'Номер SP (SPNumber)'), hint: text('消息没有发送号码时使用（接入号 + 扩展码）', 'Used when a message has no sender (access number + extension)', 'Если у сообщения нет отправителя (номер доступа + расширение)') },
  { name: 'corpId', kind: 'text', label: text('企业代码（CorpId）', 'Corporate code (CorpId)', 'Код предприятия (CorpId)'), hint: text('5 位', '5 digits', '5 цифр') },
  { name: 'serviceType', kind: 'text', label: text('业务代码（ServiceType）', 'Service type (ServiceType)', 'Тип услуги (ServiceType)') },
  {
    name: 'chineseFormat', kind: 'select', label: text('中文编码', 'Chinese text coding', 'Кодировка китайского текста'),
    options: [{ value: 8, label: text('UCS-2（8）', 'UCS-2 (8)', 'UCS-2 (8)') }, { value: 15, label: text('GBK（15）', 'GBK (15)', 'GBK (15)') }],
  },
  { name: 'chargeNumber', kind: 'text', advanced: true, label: text('付费号码（ChargeNumber）', 'Charge number (ChargeNumber)', 'Оплачивающий номер (ChargeNumber)'), hint: text('21 个 0 = SP 付费；留空 = 接收用户付费', '21 zeros = the SP pays; empty = the recipient pays', '21 ноль — платит SP; пусто — получатель') },
  {
    name: 'feeType', kind: 'select', advanced: true, label: text('计费类别（FeeType）', 'Fee type (FeeType)', 'Тип тарифа (FeeType)'),
    options: [
      feeOption(0, text('不计信息费（仅核减信道费）', 'no fee (channel fee only)', 'без платы (только канал)')), feeOption(1, 'free'), feeOption(2, 'perMessage'),
      feeOption(3, 'monthly'), feeOption(4, text('由 SP 收费', 'charged by the SP', 'взимает SP')),
    ],
  },
  { name: 'feeValue', kind: 'text', advanced: true, label: text('收费值（分）', 'Fee (fen)', 'Тариф (фэнь)') },
  { name: 'givenValue', kind: 'text', advanced: true, label: text('赠送话费（分）', 'Given value (fen)', 'Подарок (фэнь)') },
  {
    name: 'agentFlag', kind: 'select', advanced: true, label: text('代收费标志', 'Agent flag', 'Флаг агента'),
    options: [{ value: 0, label: text('0：应收', '0: receivable', '0: к получению') }, { value: 1, label: text('1：实收', '1: received', '1: получено') }],
  },
  {
    name: 'moRelated', kind: 'select', advanced: true, label: text('引起 MT 的原因', 'Cause of the MT (MorelatetoMTFlag)', 'Причина MT (MorelatetoMTFlag)'),
    options: [
      { value: 0, label: text('0：MO 点播引起的第一条', '0: first MT of an MO request', '0: первое MT на запрос') },
      { value: 1, label: text('1：MO 点播引起的非第一条', '1: later MT of an MO request', '1: последующее MT на запрос') },
      { value: 2, label: text('2：非 MO 点播引起', '2: not caused by an MO', '2: не по запросу') },
      { value: 3, label: text('3：系统反馈引起', '3: system feedback', '3: системный ответ') },
    ],
  },
  { name: 'priority', kind: 'number', advanced: true, label: text('优先级', 'Priority', 'Приоритет'), hint: text('0–9，从低到高', '0–9, low to high', '0–9, по возрастанию') },
  { name: 'listenMaxConnections', kind: 'number', advanced: true, label: text('最多回连数', 'SMG connections at most', 'Не более подключений SMG'), hint: text('超出时以结果 3 拒绝', 'More are refused with result 3', 'Лишние отвергаются с результатом 3') },
  { name: 'listenIdleSeconds', kind: 'number', advanced: true, label: text('回连空闲断开（秒）', 'Close an idle SMG connection after (s)', 'Закрыть простаивающее подключение SMG через (с)'), hint: text('SGIP 没有链路检测，规范默认 60 秒', 'SGIP has no keepalive; the spec says 60 s', 'В SGIP нет keepalive; по спецификации 60 с') },
  ...timingSpecs,
];

/** Why an SMG refused our Bind, by the code the sgip client gives (Bind_Resp Result, or our listener's port). */
export const sgipLoginReasons: Readonly<Record<string, FormText>> = {
  'sgip:1': text('非法登录：登录名或密码错误', 'Illegal login: wrong login name or password', 'Недопустимый вход: неверное имя или пароль'),
  'sgip:2': text('重复登录：该账号已登录', 'Repeated login: this account is logged in already', 'Повторный вход: учётная запись уже вошла'),
  'sgip:3': text('连接过多：超过网关允许的连接数', 'Too many connections for this account', 'Слишком много соединений'),
  'sgip:4': text('登录类型错', 'Wrong login type', 'Неверный тип входа'),
  listen: text('无法在回连监听地址和端口上监听：端口是否已被占用？', 'Cannot listen on the listen address and port: is the port taken?', 'Не удаётся слушать адрес и порт приёма: порт занят?'),
};

/** A connection test logs in only: the listener goes to a free loopback port, so a running channel's port is no obstacle. */
export const sgipTestSettings: Record<string, unknown> = { listenHost: '127.0.0.1', listenPort: 0 };
