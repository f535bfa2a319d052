// 第二阶段 步骤2 预选号牌: 随机一次 / 换一批（剩余 N 次）, 不包含4, the batch with its countdown, one-click backup,
// the backup list with its countdown, and 确认选号 with a second look before it is final.
import { countdown, secondsLeft } from '../clock.js';
import { beijing, busy, errorBox, h, plateText, uid } from '../dom.js';
import { stepper } from './steps.js';

/** Whether "不包含4" stays ticked across redraws of the screen (it applies to the draw it is ticked for). */
let excludeFourTicked = false;

export function renderDraw(body, view, s) {
  const drawError = errorBox();
  const batchError = errorBox();
  const backupError = errorBox();

  const spent = view.remainingDraws < view.drawsAllowed;
  const excludeFour = h('input', { type: 'checkbox', id: uid('x4'), checked: excludeFourTicked });
  excludeFour.addEventListener('change', () => { excludeFourTicked = excludeFour.checked; });
  const drawButton = h('button', {
    type: 'button', class: 'primary draw',
    text: `${spent ? '换一批' : '随机一次'}（剩余 ${view.remainingDraws} 次）`,
    disabled: view.remainingDraws === 0,
  });
  drawButton.addEventListener('click', async () => {
    const next = await busy(drawButton, drawError, () => s.api.draw(excludeFour.checked));
    if (next) s.show(next);
  });

  body.append(...[
    s.title('预选号牌'), stepper('drawing'),
    h('div', { class: 'toolbar card' },
      h('span', { class: 'checkbox' }, excludeFour, h('label', { for: excludeFour.id, text: '不包含4' })),
      drawButton),
    drawError,
    batchSection(view, s, batchError),
    backupSection(view, s, backupError),
    autoConfirmNote(view, s)].filter(Boolean));
}

/** 随机号牌: the batch, each number with its own 加入备选 button, and 距失效XX秒. */
function batchSection(view, s, error) {
  const section = h('section', { class: 'card batch', 'aria-labelledby': 'batch-title' },
    h('h2', { id: 'batch-title', text: '随机号牌' }));
  const batch = view.batch;
  if (!batch) {
    section.append(h('p', { class: 'empty', text: view.remainingDraws < view.drawsAllowed
      ? '本批随机号牌已失效。' + (view.remainingDraws > 0 ? '请点击“换一批”。' : '')
      : '点击“随机一次”，系统将随机选出可选号牌号码。' }));
    return section;
  }
  const timer = h('p', { class: 'countdown', 'aria-live': 'off' });
  const backups = new Set(view.backups?.plates ?? []);
  const buttons = [];
  const list = h('ul', { class: 'plates' }, batch.plates.map((plate) => {
    const kept = backups.has(plate);
    const add = h('button', {
      type: 'button', class: 'small', text: kept ? '已加入备选' : '加入备选',
      'aria-label': `将 ${plateText(plate)} 加入备选`, disabled: batch.backupTaken,
    });
    add.addEventListener('click', async () => {
      const next = await busy(add, error, () => s.api.backup(plate));
      if (next) s.show(next);
    });
    buttons.push(add);
    return h('li', { 'data-plate': plate }, h('span', { class: 'plate', text: plateText(plate) }), add);
  }));
  section.append(
    h('p', { class: 'meta', text: `第 ${batch.number} 批${batch.excludeFour ? ' · 不包含4' : ''}${batch.backupTaken ? ' · 本批已选备选号牌' : ' · 可选择 1 个加入备选'}` }),
    timer, list, error);
  countdown(batch.expiresAt, (left) => {
    timer.textContent = left > 0 ? `距失效 ${left} 秒` : '本批随机号牌已失效';
    timer.classList.toggle('ended', left === 0);
  }, () => {
    section.classList.add('expired');
    for (const button of buttons) button.disabled = true;
    if (view.remainingDraws === 0) setTimeout(() => s.reload().catch((e) => error.show(e)), 1200);
  }, (stop) => s.track(stop));
  return section;
}

/** 备选号牌: the valid backups with their shared countdown; 确认选号 asks for a second look first. */
function backupSection(view, s, error) {
  const section = h('section', { class: 'card backups', 'aria-labelledby': 'backups-title' },
    h('h2', { id: 'backups-title', text: '备选号牌' }));
  const backups = view.backups;
  if (!backups || backups.plates.length === 0) {
    section.append(h('p', { class: 'empty', text: '还没有备选号牌。在随机号牌倒计时结束前，可以从每批中选择 1 个加入备选。' }));
    return section;
  }
  const timer = h('p', { class: 'countdown' });
  const name = uid('backup');
  const radios = backups.plates.map((plate, i) => {
    const radio = h('input', { type: 'radio', name, value: plate, id: `${name}-${i}`, checked: i === backups.plates.length - 1 });
    return h('li', {}, radio, h('label', { for: radio.id, class: 'plate', text: plateText(plate) }));
  });
  const confirm = h('button', { type: 'button', class: 'primary', text: '确认选号' });
  const dialog = secondLook(s, error);
  confirm.addEventListener('click', () => {
    const chosen = section.querySelector(`input[name="${name}"]:checked`);
    if (!chosen) { error.show(new Error('请先选择一个备选号牌。')); return; }
    dialog.ask(chosen.value);
  });
  section.append(timer,
    h('fieldset', {}, h('legend', { text: '选择要确认的号牌号码' }), h('ul', { class: 'plates choose' }, radios)),
    error, h('div', { class: 'actions' }, confirm), dialog);
  countdown(backups.expiresAt, (left) => {
    timer.textContent = left > 0 ? `距失效 ${left} 秒` : '备选号牌已失效';
    timer.classList.toggle('ended', left === 0);
  }, () => {
    section.classList.add('expired');
    confirm.disabled = true;
  }, (stop) => s.track(stop));
  return section;
}

/** The second look: the number, large, and what confirming means, before anything is sent. */
function secondLook(s, error) {
  const plate = h('p', { class: 'plate big' });
  const dialogError = errorBox();
  const yes = h('button', { type: 'button', class: 'primary', text: '确认选号' });
  const no = h('button', { type: 'button', text: '返回' });
  const dialog = h('dialog', { class: 'second-look', 'aria-labelledby': 'second-look-title' },
    h('h2', { id: 'second-look-title', text: '请再次确认' }),
    h('p', { text: '您选择的号牌号码是：' }), plate,
    h('p', { text: s.practice
      ? '这是模拟选号，确认后号牌号码无效。'
      : '确认后不能更改。请在预选号牌有效期内到车管所办理换牌，逾期未办理的将被列入黑名单。' }),
    dialogError, h('div', { class: 'actions' }, yes, no));
  let chosen = null;
  no.addEventListener('click', () => dialog.close());
  yes.addEventListener('click', async () => {
    const next = await busy(yes, dialogError, () => s.api.confirm(chosen));
    if (next) { dialog.close(); s.show(next); }
  });
  dialog.ask = (value) => {
    chosen = value;
    plate.textContent = plateText(value);
    dialogError.clear();
    error.clear();
    dialog.showModal();
    yes.focus();
  };
  return dialog;
}

/** With no draws left, the system confirms by itself when the last countdown ends; say when, then show it. */
function autoConfirmNote(view, s) {
  if (view.remainingDraws > 0 || !view.autoConfirmAt) return null;
  const line = h('p', { class: 'countdown' });
  const note = h('section', { class: 'card note', role: 'note' },
    h('p', { text: '随机选号次数已用完。若您不确认选号，系统将自动确认最后一批随机号牌中的第一个号牌。' }), line);
  if (secondsLeft(view.autoConfirmAt) > 0) {
    countdown(view.autoConfirmAt, (left) => {
      line.textContent = `自动确认时间：${beijing(view.autoConfirmAt)}（${left} 秒后）`;
    }, () => setTimeout(() => s.reload().catch(() => {}), 1200), (stop) => s.track(stop));
  }
  return note;
}
