// 第一阶段 步骤1：选择需换牌选号的新能源汽车 — the user's (or the unit's) vehicles, each with whether it may select
// and why not, and a link to its office's pool publication.
import { currentUser, get } from '../api.js';
import { errorBox, h } from '../dom.js';
import { energies, label, mayGoElsewhere, plateKinds, reasons, stages, userTypes } from '../labels.js';
import { stepper } from './steps.js';

/** The action a vehicle's stage leads to. */
function actionText(stage) {
  if (!stage) return '选号';
  if (stage === 'completed' || stage === 'exchanged' || stage === 'lapsed') return '查看选号结果';
  return '继续选号';
}

/** One vehicle as a card: facts, eligibility, the selection's stage, and what can be done with it. */
export function vehicleCard(vehicle, office, user) {
  const elsewhere = vehicle.officeCode !== user.officeCode;
  const regionBlocked = elsewhere && !mayGoElsewhere(user.userType);
  const officeName = office ? `${office.name}（${office.prefix}）` : vehicle.officeCode;
  const status = !vehicle.eligible
    ? h('p', { class: 'ineligible', text: `不可预选：${label(reasons, vehicle.reason)}` })
    : regionBlocked
      ? h('p', { class: 'ineligible', text: `${label(userTypes, user.userType)}只能在注册地车管所预选号牌。` })
      : h('p', { class: 'eligible', text: vehicle.stage ? `可以预选 · 当前：${label(stages, vehicle.stage)}` : '可以预选' });
  const actions = h('div', { class: 'actions' });
  if (vehicle.eligible && !regionBlocked) {
    actions.append(h('a', { class: 'button primary', href: `#/select/${encodeURIComponent(vehicle.vin)}`, text: actionText(vehicle.stage), 'aria-label': `${actionText(vehicle.stage)}：${vehicle.currentPlate}` }));
  }
  if (vehicle.eligible) {
    actions.append(h('a', { class: 'button', href: `#/practice/${encodeURIComponent(vehicle.vin)}`, text: '模拟选号', 'aria-label': `模拟选号：${vehicle.currentPlate}` }));
  }
  actions.append(h('a', { href: `#/pool/${encodeURIComponent(vehicle.officeCode)}`, text: '号池公示' }));
  return h('article', { class: 'card vehicle', 'data-vin': vehicle.vin },
    h('h2', { text: vehicle.currentPlate }),
    h('dl', { class: 'facts' },
      h('dt', { text: '车辆识别代号' }), h('dd', { class: 'mono', text: vehicle.vin }),
      h('dt', { text: '号牌种类' }), h('dd', { text: label(plateKinds, vehicle.plateKind) }),
      h('dt', { text: '能源种类' }), h('dd', { text: label(energies, vehicle.energy) }),
      h('dt', { text: '车管所' }), h('dd', { text: officeName + (elsewhere ? '（异地）' : '') })),
    status, actions);
}

export async function renderVehicles(main) {
  const error = errorBox();
  main.append(h('h1', { text: '选择需换牌选号的新能源汽车' }), stepper('vehicle'), error);
  try {
    const [user, vehicles, offices] = await Promise.all([currentUser(), get('/me/vehicles'), get('/offices')]);
    const byCode = Object.fromEntries(offices.map((o) => [o.code, o]));
    const home = byCode[user.officeCode];
    main.append(h('p', { class: 'lead' },
      `${user.username}（${label(userTypes, user.userType)}），注册地：${home ? home.name : user.officeCode}。请选择本人或本单位名下、号牌种类为小型汽车或大型汽车的新能源汽车。`));
    if (user.blacklistedUntil) {
      main.append(h('p', { class: 'error', role: 'alert', text: `您已被列入选号黑名单，${new Date(user.blacklistedUntil).toLocaleDateString('zh-CN')} 前不能在互联网上预选号牌（可以模拟选号）。` }));
    }
    if (mayGoElsewhere(user.userType)) {
      main.append(h('p', {}, h('a', { href: '#/offices', text: '跳转到其他省市' }), ' — 在其他省市的车管所为您的车辆预选号牌。'));
    }
    const sorted = [...vehicles].sort((a, b) => (a.officeCode === user.officeCode ? 0 : 1) - (b.officeCode === user.officeCode ? 0 : 1));
    main.append(sorted.length
      ? h('div', { class: 'cards' }, sorted.map((v) => vehicleCard(v, byCode[v.officeCode], user)))
      : h('p', { text: '您名下没有登记的车辆。车辆由车管所导入；如有疑问请到车管所窗口办理。' }));
  } catch (e) {
    error.show(e);
  }
}
