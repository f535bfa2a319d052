// 第二阶段 步骤3 完成号牌预选: the number, the day by which to exchange it, the printable voucher (预选号凭证) and the
// booking of a time and place for the exchange. The voucher and appointment endpoints answer what API.md says; where
// a server does not offer them yet, their error shows in place.
import { get } from '../api.js';
import { beijing, busy, errorBox, facts, field, h, plateText, statusBox, uid } from '../dom.js';
import { stepper } from './steps.js';

export function renderDone(body, view, s) {
  const selected = view.selected;
  body.append(s.title('完成号牌预选'), stepper('done'));
  if (!selected) {
    body.append(h('p', { class: 'error', role: 'alert', text: '这次选号没有确认号牌。' }), backLink());
    return;
  }
  body.append(h('section', { class: 'card result' },
    h('p', { text: s.practice ? '模拟选号完成，您选择的号牌号码是：' : '您已完成号牌预选，预选号牌号码：' }),
    h('p', { class: 'plate big', text: plateText(selected.plate) }),
    facts([
      ['确认时间', beijing(selected.confirmedAt)],
      ['确认方式', selected.by === 'auto' ? '随机选号次数用完，系统自动确认' : '本人确认'],
      s.office ? ['车管所', `${s.office.name}（${s.office.code}）`] : null,
      selected.exchangeBy ? ['换牌截止日期', selected.exchangeBy] : null,
      selected.voucherCode ? ['凭证验证码', h('span', { class: 'mono', text: selected.voucherCode })] : null,
    ]),
    stageNote(view, s)));
  if (!s.practice && view.stage === 'completed') {
    body.append(voucherSection(view, s), appointmentSection(view, s));
  }
  body.append(backLink());
}

const backLink = () => h('div', { class: 'actions' }, h('a', { class: 'button', href: '#/vehicles', text: '返回我的车辆' }));

function stageNote(view, s) {
  const selected = view.selected;
  if (s.practice) return h('p', { class: 'note', text: '模拟选号的号牌号码无效：不生成凭证，不设换牌截止日期，不保存任何信息。' });
  if (view.stage === 'exchanged') return h('p', { class: 'eligible', text: `已于 ${beijing(selected.exchangedAt)} 在车管所换牌。` });
  if (view.stage === 'lapsed') return h('p', { class: 'error', text: `未在 ${selected.exchangeBy} 前办理换牌，预选号牌号码已作废，您已被列入选号黑名单。` });
  return h('p', { class: 'deadline', text: `请于 ${selected.exchangeBy}（含）前按预约的时间和地点到车管所办理换牌。逾期未办理的，号牌号码作废，您将被列入黑名单，在黑名单期间不能在互联网上预选号牌。成功预选的提示短信将发送至车管所登记的手机号码。` });
}

/**
 * 打印预选号凭证: the voucher's facts from GET .../voucher (JSON), shown as a printable card; the browser's print
 * then prints only that card (see the stylesheet's print rules).
 */
function voucherSection(view, s) {
  const error = errorBox();
  const holder = h('div', { class: 'voucher-holder' });
  const print = h('button', { type: 'button', text: '打印预选号凭证' });
  print.addEventListener('click', async () => {
    const voucher = await busy(print, error, () => s.api.voucher());
    if (!voucher) return;
    holder.replaceChildren(voucherCard(voucher, view, s));
    window.print();
  });
  return h('section', { class: 'card', 'aria-labelledby': 'voucher-title' },
    h('h2', { id: 'voucher-title', text: '预选号凭证' }),
    h('p', { text: '办理换牌时请出示预选号凭证（或其验证码）。' }), error, h('div', { class: 'actions' }, print), holder);
}

/** The voucher as GET .../voucher answers it in JSON (API.md), its QR code a PNG data URI the page shows as an image. */
function voucherCard(voucher, view, s) {
  const a = voucher.appointment;
  const rows = [
    ['车管所', `${voucher.officeName} (${voucher.officeCode})`],
    ['车辆识别代号', voucher.vin],
    voucher.currentPlate ? ['现号牌号码', voucher.currentPlate] : null,
    ['预选号牌号码', plateText(voucher.plate)],
    ['确认时间', beijing(voucher.confirmedAt)],
    ['确认方式', voucher.by === 'auto' ? '系统自动确认' : '本人确认'],
    ['换牌期限', `${voucher.exchangeBy}（含当日）前`],
    ['预约换牌', a ? `${a.date} ${a.slot} ${a.locationName}` : '尚未预约'],
    voucher.exchangedAt ? ['换牌时间', beijing(voucher.exchangedAt)] : null,
    ['凭证号', voucher.voucherCode],
  ].filter(Boolean);
  const qr = typeof voucher.qrCode === 'string' && voucher.qrCode.startsWith('data:image/png;base64,') ? voucher.qrCode : null;
  return h('article', { class: 'voucher', 'aria-label': '预选号凭证' },
    h('h3', { text: `${voucher.officeName ?? s.office?.name ?? view.officeCode} 新能源汽车预选号凭证` }),
    facts(rows), qr ? h('img', { src: qr, alt: '凭证号二维码', class: 'qr' }) : null);
}

/** 预约: a date up to the deadline, its free slots, and booking one (or cancelling it). */
function appointmentSection(view, s) {
  const selected = view.selected;
  const error = errorBox();
  const status = statusBox();
  const section = h('section', { class: 'card', 'aria-labelledby': 'appointment-title' }, h('h2', { id: 'appointment-title', text: '预约换牌时间和地点' }));
  if (selected.appointment) {
    const a = selected.appointment;
    const cancel = h('button', { type: 'button', text: '取消预约' });
    cancel.addEventListener('click', async () => {
      const done = await busy(cancel, error, () => s.api.cancelBooking());
      if (done !== undefined) s.reload().catch((e) => error.show(e));
    });
    section.append(facts([['地点', a.locationName], ['日期', a.date], ['时段', a.slot]]),
      h('p', { class: 'hint', text: '预约可在预约日前一天之前更改。' }), error, h('div', { class: 'actions' }, cancel));
    return section;
  }
  const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const date = h('input', { type: 'date', name: 'date', min: tomorrow, max: selected.exchangeBy ?? null, value: tomorrow, required: true });
  const find = h('button', { type: 'button', text: '查询可预约时段' });
  const slots = h('div', { class: 'slots' });
  find.addEventListener('click', async () => {
    const list = await busy(find, error, () => get(`/offices/${encodeURIComponent(view.officeCode)}/appointment-slots?date=${encodeURIComponent(date.value)}`));
    if (!list) return;
    slots.replaceChildren(slotChooser(list, view, s, error, status));
  });
  section.append(h('div', { class: 'inline' }, field('日期', date), find), slots, status, error);
  return section;
}

function slotChooser(list, view, s, error, status) {
  if (list.length === 0) return h('p', { text: '这一天没有可预约的时段，请选择其他日期。' });
  const name = uid('slot');
  const items = list.map((slot, i) => {
    const left = slot.capacity - slot.booked;
    const radio = h('input', { type: 'radio', name, id: `${name}-${i}`, value: String(i), disabled: left <= 0 });
    return h('li', {}, radio, h('label', { for: radio.id, text: `${slot.locationName} ${slot.date} ${slot.slot}（剩余 ${Math.max(0, left)}）` }));
  });
  const book = h('button', { type: 'button', class: 'primary', text: '预约' });
  book.addEventListener('click', async () => {
    const chosen = document.querySelector(`input[name="${name}"]:checked`);
    if (!chosen) { error.show(new Error('请选择一个时段。')); return; }
    const slot = list[Number(chosen.value)];
    const booked = await busy(book, error, () => s.api.book({ locationId: slot.locationId, date: slot.date, slot: slot.slot }));
    if (booked !== undefined) {
      status.say('预约成功。');
      s.reload().catch((e) => error.show(e));
    }
  });
  return h('fieldset', {}, h('legend', { text: '可预约时段' }), h('ul', { class: 'choose' }, items), h('div', { class: 'actions' }, book));
}
