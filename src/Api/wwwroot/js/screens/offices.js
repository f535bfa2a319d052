// 跳转到其他省市: a province, then a city's office, then the user's vehicles at that office. Only owners/drivers and
// window-registered users may select elsewhere; others are told so.
import { currentUser, get } from '../api.js';
import { errorBox, field, h } from '../dom.js';
import { label, mayGoElsewhere, officeStates, userTypes } from '../labels.js';
import { vehicleCard } from './vehicles.js';

const provinceNames = {
  京: '北京', 津: '天津', 冀: '河北', 晋: '山西', 蒙: '内蒙古', 辽: '辽宁', 吉: '吉林', 黑: '黑龙江', 沪: '上海', 苏: '江苏',
  浙: '浙江', 皖: '安徽', 闽: '福建', 赣: '江西', 鲁: '山东', 豫: '河南', 鄂: '湖北', 湘: '湖南', 粤: '广东', 桂: '广西',
  琼: '海南', 渝: '重庆', 川: '四川', 贵: '贵州', 云: '云南', 藏: '西藏', 陕: '陕西', 甘: '甘肃', 青: '青海', 宁: '宁夏', 新: '新疆',
};

export async function renderOffices(main) {
  const error = errorBox();
  main.append(h('h1', { text: '跳转到其他省市' }), error);
  let user;
  let offices;
  let vehicles;
  try {
    [user, offices, vehicles] = await Promise.all([currentUser(), get('/offices'), get('/me/vehicles')]);
  } catch (e) {
    error.show(e);
    return;
  }
  if (!mayGoElsewhere(user.userType)) {
    main.append(h('p', { class: 'error', role: 'alert', text: `${label(userTypes, user.userType)}只能在注册地车管所办理预选号牌业务。` }),
      h('a', { class: 'button', href: '#/vehicles', text: '返回我的车辆' }));
    return;
  }
  const provinces = [...new Set(offices.map((o) => o.province))].sort();
  const province = h('select', { name: 'province' }, h('option', { value: '', text: '请选择省份' }),
    provinces.map((p) => h('option', { value: p, text: `${provinceNames[p] ?? p}（${p}）` })));
  const city = h('select', { name: 'office', disabled: true }, h('option', { value: '', text: '请先选择省份' }));
  const result = h('div', { class: 'office-result', 'aria-live': 'polite' });

  province.addEventListener('change', () => {
    const inProvince = offices.filter((o) => o.province === province.value);
    city.replaceChildren(h('option', { value: '', text: '请选择城市车管所' }),
      ...inProvince.map((o) => h('option', { value: o.code, text: `${o.name}（${o.prefix}）` })));
    city.disabled = inProvince.length === 0;
    result.replaceChildren();
  });
  city.addEventListener('change', () => {
    const office = offices.find((o) => o.code === city.value);
    if (!office) { result.replaceChildren(); return; }
    const here = vehicles.filter((v) => v.officeCode === office.code);
    result.replaceChildren(
      h('section', { class: 'card' },
        h('h2', { text: office.name }),
        h('p', { text: `号牌前缀 ${office.prefix} · ${label(officeStates, office.state)} · 开放时间 ${office.hours.from}–${office.hours.to}（北京时间）` }),
        h('a', { href: `#/pool/${encodeURIComponent(office.code)}`, text: '号池公示' })),
      here.length
        ? h('div', { class: 'cards' }, here.map((v) => vehicleCard(v, office, user)))
        : h('p', { text: '您在该车管所没有登记的车辆。' }));
  });

  main.append(
    h('p', { class: 'lead', text: '请选择需要换牌选号的车辆所在的省市车管所。' }),
    h('form', { class: 'card', on: { submit: (e) => e.preventDefault() } }, field('省份', province), field('城市（车管所）', city)),
    result,
    h('a', { class: 'button', href: '#/vehicles', text: '返回我的车辆' }));
}
