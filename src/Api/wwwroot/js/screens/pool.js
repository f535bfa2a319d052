// 号池公示: an office's published blocks and their live counts (public, no sign-in), refreshed every few seconds.
import { get } from '../api.js';
import { errorBox, h } from '../dom.js';
import { energyLetters, label, officeStates, plateKinds } from '../labels.js';

/** A block pattern as a range: D0#### → D00000–D09999. */
export function blockRange(block) {
  return `${block.replaceAll('#', '0')}–${block.replaceAll('#', '9')}`;
}

const number = (n) => (typeof n === 'number' ? n.toLocaleString('zh-CN') : '—');

function countsRow(name, c, header = false) {
  const cell = header ? 'th' : 'td';
  return h('tr', {}, h(cell, { scope: header ? 'row' : null, text: name }),
    ['total', 'available', 'held', 'reserved', 'issued'].map((k) => h('td', { class: 'num', text: number(c[k]) })));
}

function seriesTable(prefix, series) {
  const rows = series.blockCounts?.length
    ? series.blockCounts.map((b) => countsRow(`${prefix}·${b.block}（${blockRange(b.block)}）`, b))
    : series.blocks.map((b) => h('tr', {}, h('td', { text: `${prefix}·${b}（${blockRange(b)}）` }), h('td', { colspan: 5, class: 'hint', text: '见合计' })));
  return h('section', { class: 'card series' },
    h('h2', { text: `${label(plateKinds, series.plateKind)} · ${series.energyLetter}（${label(energyLetters, series.energyLetter)}）` }),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['号段', '总数', '可选', '占用中', '已预选', '已发放'].map((t) => h('th', { scope: 'col', text: t })))),
      h('tbody', {}, rows),
      h('tfoot', {}, countsRow('合计', series, true)))));
}

export async function renderPool(main, { code }, ctx) {
  const error = errorBox();
  const title = h('h1', { text: '号池公示' });
  const info = h('p', { class: 'lead' });
  const content = h('div', { class: 'pool' });
  const updated = h('p', { class: 'hint', 'aria-live': 'off' });
  main.append(title, info, error, content, updated);

  const load = async () => {
    try {
      const [pool, offices] = await Promise.all([get(`/offices/${encodeURIComponent(code)}/pool`), get('/offices')]);
      const office = offices.find((o) => o.code === code);
      title.textContent = `${office?.name ?? code} 号池公示`;
      info.textContent = office
        ? `号牌前缀 ${office.prefix} · ${label(officeStates, office.state)} · 开放时间 ${office.hours.from}–${office.hours.to}（北京时间）`
        : '';
      content.replaceChildren(...(pool.series.length
        ? pool.series.map((s) => seriesTable(pool.prefix, s))
        : [h('p', { text: '该车管所尚未公示号池。' })]));
      updated.textContent = `更新于 ${new Date().toLocaleTimeString('zh-CN', { hour12: false })}（每 10 秒自动刷新）`;
      error.clear();
    } catch (e) {
      error.show(e);
    }
  };
  await load();
  const timer = setInterval(load, 10_000);
  ctx.track(() => clearInterval(timer));
}
