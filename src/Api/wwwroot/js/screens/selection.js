// One vehicle's selection, formal (#/select/VIN) or practice (#/practice/VIN, the simulation endpoints): it enters
// (the server says where the rules make it land) and shows the screen of the stage it answers.
// 第一阶段 步骤2 确认信息 and 步骤3 选号服务说明 are here; identity, drawing and the done page have their modules.
import { get, selection } from '../api.js';
import { syncClock, countdown } from '../clock.js';
import { busy, errorBox, facts, h, beijing } from '../dom.js';
import { energies, label, plateKinds } from '../labels.js';
import { focusHeading } from '../router.js';
import { stepper } from './steps.js';
import { renderVerify } from './verify.js';
import { renderDraw } from './draw.js';
import { renderDone } from './done.js';

export async function renderSelection(main, { vin, flow }, ctx) {
  const practice = flow === 'simulations';
  const api = selection(flow, vin);
  const body = h('div', { class: practice ? 'flow practice' : 'flow' });
  main.append(body);

  // What every stage's screen shares: the API, the vehicle and office facts, and a way to show the next view.
  const s = {
    api, vin, practice, flow, ctx, vehicle: null, office: null, stops: [],
    title: (text) => h('h1', {}, practice ? h('span', { class: 'tag practice-tag', text: '模拟选号' }) : null, practice ? ' ' : null, text),
    track(stop) { this.stops.push(stop); ctx.track(stop); },
    show(view) {
      for (const stop of this.stops.splice(0)) stop();
      syncClock(view.serverTime);
      body.replaceChildren();
      const screen = screens[view.stage] ?? renderDone;
      screen(body, view, this);
      focusHeading(body);
    },
    async reload() {
      this.show(await api.read());
    },
  };

  const error = errorBox();
  let view;
  try {
    const [entered, vehicles, offices] = await Promise.all([api.enter(), get('/me/vehicles').catch(() => []), get('/offices').catch(() => [])]);
    view = entered;
    s.vehicle = vehicles.find((v) => v.vin === vin) ?? null;
    s.office = offices.find((o) => o.code === view.officeCode) ?? null;
  } catch (e) {
    body.append(s.title(practice ? '模拟选号' : '预选号牌'), error);
    error.show(e);
    entryHelp(main, body, e, s);
    return;
  }
  s.show(view);
}

/** What the user can do when entering was refused: wait for the auto-confirm, practise, or go back. */
function entryHelp(main, body, e, s) {
  if (e.code === 'draws_exhausted' && e.problem.autoConfirmAt) {
    const line = h('p', { class: 'countdown' });
    body.append(line);
    countdown(e.problem.autoConfirmAt, (left) => {
      line.textContent = `系统将于 ${beijing(e.problem.autoConfirmAt)}（${left} 秒后）自动确认最后一批随机号牌中的第一个号牌。`;
    }, () => setTimeout(() => {
      if (!body.isConnected) return;
      main.replaceChildren();
      renderSelection(main, { vin: s.vin, flow: s.flow }, s.ctx);
    }, 1500), (stop) => s.ctx.track(stop));
  }
  body.append(h('div', { class: 'actions' },
    h('a', { class: 'button', href: '#/vehicles', text: '返回我的车辆' }),
    !s.practice && e.status !== 401 ? h('a', { class: 'button', href: `#/practice/${encodeURIComponent(s.vin)}`, text: '模拟选号' }) : null));
}

/** The vehicle and office the selection is for, as the user checks them. */
export function vehicleFacts(s, view) {
  const v = s.vehicle;
  const o = s.office;
  return facts([
    ['车管所', o ? `${o.name}（${o.prefix}，${o.code}）` : view.officeCode],
    o ? ['开放时间', `${o.hours.from}–${o.hours.to}（北京时间）`] : null,
    ['号牌号码', v?.currentPlate],
    ['车辆识别代号', h('span', { class: 'mono', text: view.vin })],
    v ? ['号牌种类', label(plateKinds, v.plateKind)] : null,
    v ? ['能源种类', label(energies, v.energy)] : null,
  ]);
}

/** 第一阶段 步骤2 确认信息: check office and vehicle, submit, read and accept the business notice. */
function renderConfirmInfo(body, view, s) {
  const error = errorBox();
  const dialogError = errorBox();
  const noticeText = h('div', { class: 'notice-text', tabindex: '0' });
  const agree = h('button', { type: 'button', class: 'primary', text: '阅读并同意' });
  const cancel = h('button', { type: 'button', text: '取消' });
  const dialog = h('dialog', { 'aria-labelledby': 'notice-title', class: 'notice' },
    h('h2', { id: 'notice-title', text: '业务须知' }), noticeText, dialogError, h('div', { class: 'actions' }, agree, cancel));
  let version = null;
  cancel.addEventListener('click', () => dialog.close());
  agree.addEventListener('click', async () => {
    const next = await busy(agree, dialogError, () => s.api.confirmInfo(version));
    if (next) { dialog.close(); s.show(next); }
  });
  const submit = h('button', { type: 'button', class: 'primary', text: '确认无误，提交' });
  submit.addEventListener('click', async () => {
    const notice = await busy(submit, error, () => get(`/offices/${encodeURIComponent(view.officeCode)}/notice`));
    if (!notice) return;
    version = notice.version;
    noticeText.textContent = notice.text;
    dialogError.clear();
    dialog.showModal();
    agree.focus();
  });
  body.append(
    s.title('确认信息'), stepper('confirmInfo'),
    h('p', { class: 'lead', text: '请再次核对车管所和车辆信息，确认无误后提交，并阅读业务须知。' }),
    h('section', { class: 'card' }, vehicleFacts(s, view)),
    error, h('div', { class: 'actions' }, submit, h('a', { class: 'button', href: '#/vehicles', text: '返回' })), dialog);
}

/** 第一阶段 步骤3 选号服务说明: what the selection is, then 开始选号. */
function renderServiceInfo(body, view, s) {
  const error = errorBox();
  const start = h('button', { type: 'button', class: 'primary', text: '开始选号' });
  start.addEventListener('click', async () => {
    const next = await busy(start, error, () => s.api.start());
    if (next) s.show(next);
  });
  body.append(
    s.title('选号服务说明'), stepper('serviceInfo'),
    h('section', { class: 'card' }, vehicleFacts(s, view),
      h('p', { class: 'draws-left', text: `本车共有 ${view.drawsAllowed} 次随机选号机会，剩余 ${view.remainingDraws} 次。` })),
    h('section', { class: 'card' }, h('h2', { text: '服务说明' }), h('ol', {},
      h('li', { text: '换发新能源汽车号牌预选号牌只提供随机选号方式。点击“随机一次”，系统随机选出一批可选号牌号码，并显示倒计时“距失效XX秒”；每随机一次，剩余次数减少 1 次。' }),
      h('li', { text: '勾选“不包含4”时，随机选出的号牌号码中均不包含数字 4。' }),
      h('li', { text: '在倒计时结束前，可以从每批号牌中选择 1 个作为备选号牌。备选号牌有自己的倒计时，加入备选或换一批时重新计时，倒计时结束后备选号牌失效。' }),
      h('li', { text: '从备选号牌中选择 1 个，点击“确认选号”即完成选号。' }),
      h('li', { text: '随机选号次数用完仍未确认选号的，系统将自动确认最后一批随机号牌中的第一个号牌。' }),
      h('li', { text: s.practice ? '模拟选号不发送短信验证码，输入任意 6 位数字即可通过身份验证。' : '开始选号后，需要验证车管所登记的机动车所有人手机号码（短信验证码）。' }))),
    error, h('div', { class: 'actions' }, start, h('a', { class: 'button', href: '#/vehicles', text: '返回' })));
}

const screens = {
  confirmInfo: renderConfirmInfo,
  serviceInfo: renderServiceInfo,
  verifyIdentity: renderVerify,
  drawing: renderDraw,
  completed: renderDone,
  exchanged: renderDone,
  lapsed: renderDone,
};

