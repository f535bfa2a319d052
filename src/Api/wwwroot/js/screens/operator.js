// The operators' page: an office's settings and rules (admins edit them), the maintenance switch, pool publication,
// vehicle import from a CSV file, exchange at the window, the assignments (and their CSV), a vehicle's audit trail.
import { currentUser, get, isAdmin, isStaff, post, put, request } from '../api.js';
import { beijing, busy, errorBox, facts, field, h, plateText, statusBox, uid } from '../dom.js';
import { auditKinds, label, officeStates, plateKinds, stages } from '../labels.js';
import { vehiclesFromCsv } from '../csv.js';
import { blockRange } from './pool.js';

const officePath = (code, rest = '') => `/admin/offices/${encodeURIComponent(code)}${rest}`;

export async function renderOperator(main) {
  const error = errorBox();
  main.append(h('h1', { text: '车管所业务管理' }), error);
  let user;
  let offices;
  try {
    [user, offices] = await Promise.all([currentUser(), get('/offices')]);
  } catch (e) {
    error.show(e);
    return;
  }
  if (!isStaff(user)) {
    error.show(new Error('此页面仅供车管所操作员和管理员使用。'));
    return;
  }
  const admin = isAdmin(user);
  const mine = admin ? offices : offices.filter((o) => o.code === user.officeCode);
  const select = h('select', { name: 'office', disabled: !admin }, mine.map((o) => h('option', { value: o.code, text: `${o.name}（${o.code}，${o.prefix}）` })));
  if (!admin) select.value = user.officeCode;
  const sections = h('div', { class: 'sections' });
  const load = () => {
    const code = select.value;
    sections.replaceChildren(
      settingsSection(code, admin), poolSection(code), importSection(code), exchangeSection(code),
      assignmentsSection(code), auditSection(), linksSection(code));
  };
  select.addEventListener('change', load);
  main.append(
    h('p', { class: 'lead', text: `${user.username}（${admin ? '管理员' : '操作员'}）` }),
    h('div', { class: 'card' }, field('车管所', select)),
    h('nav', { class: 'toc', 'aria-label': '本页内容' }, [
      ['ops-settings', '设置与规则'], ['ops-pool', '号池公示'], ['ops-import', '车辆导入'], ['ops-exchange', '窗口换牌'],
      ['ops-assignments', '号牌分配'], ['ops-audit', '车辆记录'], ['ops-links', '监控'],
    ].map(([id, text]) => h('button', { type: 'button', class: 'link', text, on: { click: () => document.getElementById(id)?.scrollIntoView() } }))),
    sections);
  if (mine.length) load();
  else error.show(new Error('没有可管理的车管所。'));
}

function section(id, title, ...children) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title`, text: title }), ...children);
}

const ruleFields = [
  ['drawsPerVehicle', '每车随机选号次数'], ['platesPerDraw', '每次号牌数'], ['batchSeconds', '随机号牌倒计时（秒）'],
  ['backupSeconds', '备选号牌倒计时（秒）'], ['validityDays', '预选号牌有效期（天）'], ['blacklistDays', '黑名单期限（天）'],
  ['smsCodeSeconds', '验证码有效期（秒）'], ['smsCooldownSeconds', '验证码重发间隔（秒）'], ['smsAttempts', '验证码可错次数'],
  ['smsConfirmDelaySeconds', '确认按钮倒计时（秒）'],
];

/** Settings and rules, and the maintenance switch. A PUT replaces the whole office: it starts from what GET answered. */
function settingsSection(code, admin) {
  const error = errorBox();
  const status = statusBox();
  const body = h('div', {}, h('p', { text: '正在读取…' }));
  const el = section('ops-settings', '车管所设置与规则', body, status, error);
  (async () => {
    let d;
    try {
      d = await get(officePath(code));
    } catch (e) {
      body.replaceChildren();
      error.show(e);
      return;
    }
    const input = (value, props = {}) => h('input', { value: value ?? '', disabled: !admin, ...props });
    const name = input(d.name, { name: 'name', maxlength: 50 });
    const opensAt = input(d.opensAt ?? '', { name: 'opensAt', placeholder: '2026-11-25T01:00:00Z' });
    const from = input(d.hours.from, { name: 'from', pattern: '[0-2][0-9]:[0-5][0-9]' });
    const to = input(d.hours.to, { name: 'to', pattern: '[0-2][0-9]:[0-5][0-9]' });
    const crossRegion = input(null, { type: 'checkbox', name: 'crossRegion', checked: d.crossRegion });
    const rules = Object.fromEntries(ruleFields.map(([key]) => [key, input(String(d.rules[key]), { type: 'number', name: key, min: 0 })]));
    const notice = h('textarea', { name: 'notice', rows: 4, disabled: !admin, placeholder: '留空：按规则自动生成业务须知' });
    notice.value = d.customNotice ? d.notice.text : '';

    const bodyOf = (maintenance) => ({
      name: name.value.trim(), prefix: d.prefix, province: d.province,
      opensAt: opensAt.value.trim() || null,
      hours: { from: from.value.trim(), to: to.value.trim() },
      maintenance, crossRegion: crossRegion.checked,
      rules: Object.fromEntries(ruleFields.map(([key]) => [key, Number(rules[key].value)])),
      locations: d.locations.map((l) => ({ id: l.id, name: l.name, slots: l.slots.map((s) => ({ slot: s.slot, capacity: s.capacity })) })),
      notice: notice.value.trim()
        ? { version: notice.value.trim() === d.notice.text && d.customNotice ? d.notice.version : `v${Date.now().toString(36)}`, text: notice.value.trim() }
        : null,
    });
    const state = h('p', { class: d.maintenance ? 'error' : 'eligible', text: `当前状态：${label(officeStates, d.state)}` });
    const toggle = h('button', { type: 'button', class: 'primary', text: d.maintenance ? '结束维护' : '开启维护', disabled: !admin });
    toggle.addEventListener('click', async () => {
      const saved = await busy(toggle, error, () => put(officePath(code), bodyOf(!d.maintenance)));
      if (saved) { status.say(saved.maintenance ? '已开启维护：选号暂停。' : '已结束维护。'); el.replaceWith(settingsSection(code, admin)); }
    });
    const save = h('button', { type: 'submit', class: 'primary', text: '保存设置', disabled: !admin });
    const form = h('form', { on: { submit: async (event) => {
      event.preventDefault();
      const saved = await busy(save, error, () => put(officePath(code), bodyOf(d.maintenance)));
      if (saved) { d = saved; status.say('设置已保存。'); }
    } } },
    h('div', { class: 'grid' },
      field('名称', name), field('号牌前缀', input(d.prefix, { disabled: true })),
      field('开放时间（UTC，空为已开放）', opensAt), field('每日开始（北京时间）', from), field('每日结束', to, '可为 24:00'),
      ruleFields.map(([key, text]) => field(text, rules[key]))),
    h('span', { class: 'checkbox' }, crossRegion, h('label', { for: crossRegion.id || (crossRegion.id = uid()), text: '允许异地选号（车主/驾驶人、窗口注册用户）' })),
    field('业务须知', notice),
    admin ? h('div', { class: 'actions' }, save) : h('p', { class: 'hint', text: '设置仅管理员可修改。' }));
    body.replaceChildren(
      h('div', { class: 'maintenance' }, h('h3', { text: '维护开关' }), state, toggle),
      form);
  })();
  return el;
}

/** 号池公示: one row per series (plate kind, energy letter, blocks), published as a whole. */
function poolSection(code) {
  const error = errorBox();
  const status = statusBox();
  const rows = h('tbody');
  const addRow = (series = { plateKind: 'small', energyLetter: 'D', blocks: [] }) => {
    const kind = h('select', { 'aria-label': '号牌种类' }, ['small', 'large'].map((k) => h('option', { value: k, text: label(plateKinds, k) })));
    kind.value = series.plateKind;
    const letter = h('input', { value: series.energyLetter, maxlength: 1, size: 2, 'aria-label': '能源字母' });
    const blocks = h('input', { value: series.blocks.join(' '), 'aria-label': '号段（空格分隔，如 D0#### DA####）', class: 'wide' });
    const counts = h('td', { class: 'num', text: series.total === undefined ? '—' : `${series.available.toLocaleString('zh-CN')} / ${series.total.toLocaleString('zh-CN')}` });
    const remove = h('button', { type: 'button', class: 'small', text: '删除', on: { click: () => tr.remove() } });
    const tr = h('tr', {}, h('td', {}, kind), h('td', {}, letter), h('td', {}, blocks), counts, h('td', {}, remove));
    tr.read = () => ({ plateKind: kind.value, energyLetter: letter.value.trim().toUpperCase(), blocks: blocks.value.split(/[\s,，]+/).filter(Boolean) });
    rows.append(tr);
  };
  const publish = h('button', { type: 'button', class: 'primary', text: '发布号池' });
  const add = h('button', { type: 'button', text: '添加系列', on: { click: () => addRow() } });
  publish.addEventListener('click', async () => {
    const series = [...rows.children].map((tr) => tr.read());
    const published = await busy(publish, error, () => put(officePath(code, '/pool'), { series }));
    if (published) {
      rows.replaceChildren();
      published.series.forEach(addRow);
      status.say(`号池已发布：${published.series.map((s) => `${label(plateKinds, s.plateKind)} ${s.energyLetter} ${s.blocks.map(blockRange).join('、')}，可选 ${s.available.toLocaleString('zh-CN')}`).join('；')}`);
    }
  });
  const el = section('ops-pool', '号池公示',
    h('p', { class: 'hint' }, '号段中 # 代表任意数字：小型新能源 D0####、DA####（各 10,000 个），大型新能源 12###D（1,000 个）。已预选和已发放的号牌不会回到号池。',
      h('a', { href: `#/pool/${encodeURIComponent(code)}`, text: '查看公示页面' })),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['号牌种类', '能源字母', '号段', '可选 / 总数', ''].map((t) => h('th', { scope: 'col', text: t })))), rows)),
    h('div', { class: 'actions' }, add, publish), status, error);
  get(`/offices/${encodeURIComponent(code)}/pool`).then((pool) => pool.series.forEach(addRow), (e) => error.show(e));
  return el;
}

/** 车辆导入: a CSV file, parsed here into the JSON the import takes; each rejected row is listed with its line. */
function importSection(code) {
  const error = errorBox();
  const status = statusBox();
  const file = h('input', { type: 'file', accept: '.csv,text/csv', name: 'vehicles' });
  const send = h('button', { type: 'button', class: 'primary', text: '导入' });
  const report = h('div', { class: 'import-report' });
  send.addEventListener('click', async () => {
    report.replaceChildren();
    if (!file.files?.length) { error.show(new Error('请选择一个 CSV 文件。')); return; }
    const text = await file.files[0].text();
    const { items, lines, problems } = vehiclesFromCsv(text);
    const result = items.length ? await busy(send, error, () => post(officePath(code, '/vehicles'), items)) : null;
    if (!items.length) error.show(new Error('文件中没有可导入的车辆。'));
    const rejected = result?.rejected ?? [];
    if (result) status.say(`已导入 ${result.imported} 辆，拒绝 ${rejected.length} 行。`);
    if (problems.length) report.append(h('ul', { class: 'problems' }, problems.map((p) => h('li', { text: p }))));
    if (rejected.length) {
      report.append(h('div', { class: 'table-wrap' }, h('table', { class: 'rejections' },
        h('caption', { text: '被拒绝的行' }),
        h('thead', {}, h('tr', {}, ['行号', '车辆识别代号', '原因'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, rejected.map((r) => h('tr', {},
          h('td', { class: 'num', text: String(lines[r.index] ?? r.index + 2) }),
          h('td', { class: 'mono', text: items[r.index]?.vin ?? '' }),
          h('td', { text: r.detail })))))));
    }
  });
  return section('ops-import', '车辆导入（CSV）',
    h('p', { class: 'hint', text: '第一行为列名：vin,currentPlate,plateKind,energy,ownerIdNumber,ownerPhone（也可用中文列名）。plateKind 为 small/large/motorcycle/trailer，energy 为 pure/nonPure/fuel；ownerPhone 是车管所登记的所有人手机号码，可为空。' }),
    field('CSV 文件', file), h('div', { class: 'actions' }, send), status, error, report);
}

/** 窗口换牌: the applicant shows the voucher (its code) or names the plate; the number is then issued. */
function exchangeSection(code) {
  const error = errorBox();
  const status = statusBox();
  const by = uid('by');
  const byCode = h('input', { type: 'radio', name: by, id: `${by}-code`, value: 'voucherCode', checked: true });
  const byPlate = h('input', { type: 'radio', name: by, id: `${by}-plate`, value: 'plate' });
  const value = h('input', { name: 'exchange', required: true, maxlength: 16, autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'primary', text: '办理换牌' });
  const form = h('form', { on: { submit: async (event) => {
    event.preventDefault();
    const body = byCode.checked ? { voucherCode: value.value.trim().toUpperCase() } : { plate: value.value.trim().toUpperCase().replace('·', '') };
    const view = await busy(submit, error, () => post(officePath(code, '/exchanges'), body));
    if (view) {
      status.say(`已换牌：${plateText(view.selected?.plate)}，车辆 ${view.vin}，状态：${label(stages, view.stage)}。`);
      value.value = '';
    }
  } } },
  h('fieldset', {}, h('legend', { text: '按' }),
    h('span', { class: 'checkbox' }, byCode, h('label', { for: byCode.id, text: '凭证验证码' })),
    h('span', { class: 'checkbox' }, byPlate, h('label', { for: byPlate.id, text: '号牌号码' }))),
  field('凭证验证码或号牌号码', value), h('div', { class: 'actions' }, submit));
  return section('ops-exchange', '窗口换牌', form, status, error);
}

/** 号牌分配: every reserved and issued number; the CSV comes through the same authenticated request, then saved. */
function assignmentsSection(code) {
  const error = errorBox();
  const table = h('div', { class: 'table-wrap' });
  const show = h('button', { type: 'button', text: '查看分配记录' });
  const download = h('button', { type: 'button', text: '下载 CSV' });
  show.addEventListener('click', async () => {
    const list = await busy(show, error, () => get(officePath(code, '/assignments')));
    if (!list) return;
    table.replaceChildren(list.length ? h('table', {},
      h('thead', {}, h('tr', {}, ['号牌号码', '车辆识别代号', '方式', '预选时间', '换牌截止', '换牌时间'].map((t) => h('th', { scope: 'col', text: t })))),
      h('tbody', {}, list.map((a) => h('tr', {},
        h('td', { class: 'plate-cell', text: plateText(a.plate) }), h('td', { class: 'mono', text: a.vin }),
        h('td', { text: a.by === 'auto' ? '自动' : '本人' }), h('td', { text: beijing(a.reservedAt) }),
        h('td', { text: a.exchangeBy ?? '—' }), h('td', { text: a.exchangedAt ? beijing(a.exchangedAt) : '—' }))))) : h('p', { text: '暂无分配记录。' }));
  });
  download.addEventListener('click', async () => {
    const response = await busy(download, error, () => request('GET', officePath(code, '/assignments?format=csv'), { accept: 'text/csv', raw: true }));
    if (!response) return;
    const url = URL.createObjectURL(await response.blob());
    const a = h('a', { href: url, download: `assignments-${code}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  return section('ops-assignments', '号牌分配', h('div', { class: 'actions' }, show, download), error, table);
}

/** 车辆记录: a vehicle's audit trail (every draw with the numbers shown, backups, confirmations, exchange). */
function auditSection() {
  const error = errorBox();
  const vin = h('input', { name: 'vin', maxlength: 17, autocomplete: 'off', class: 'mono' });
  const submit = h('button', { type: 'submit', text: '查询' });
  const out = h('div', { class: 'table-wrap' });
  const form = h('form', { on: { submit: async (event) => {
    event.preventDefault();
    const trail = await busy(submit, error, () => get(`/admin/audit?vin=${encodeURIComponent(vin.value.trim().toUpperCase())}`));
    if (!trail) return;
    out.replaceChildren(trail.length ? h('table', {},
      h('thead', {}, h('tr', {}, ['时间', '事件', '操作人', '号牌号码', '说明'].map((t) => h('th', { scope: 'col', text: t })))),
      h('tbody', {}, trail.map((r) => h('tr', {},
        h('td', { text: beijing(r.at) }), h('td', { text: label(auditKinds, r.kind) }), h('td', { text: r.actor ?? '—' }),
        h('td', { text: (r.plates ?? []).map(plateText).join('、') }), h('td', { text: r.detail ?? '' }))))) : h('p', { text: '该车辆没有记录。' }));
  } } }, h('div', { class: 'inline' }, field('车辆识别代号', vin), submit));
  return section('ops-audit', '车辆记录（审计）', form, error, out);
}

function linksSection(code) {
  return section('ops-links', '监控与文档',
    facts([
      ['Orleans 监控面板', h('a', { href: '/dashboard', target: '_blank', rel: 'noopener', text: '/dashboard' })],
      ['接口文档', h('a', { href: '/docs', target: '_blank', rel: 'noopener', text: '/docs' })],
      ['号池公示', h('a', { href: `#/pool/${encodeURIComponent(code)}`, text: `#/pool/${code}` })],
    ]),
    h('p', { class: 'hint', text: '监控面板需要运维或管理员的 Bearer 令牌（Authorization 请求头）；本页不会把令牌放进链接。' }));
}
