// The seed's two phases and their steps, shown on every screen of the flow with the current one marked.
import { h } from '../dom.js';

const steps = [
  ['vehicle', '第一阶段', '选择车辆'],
  ['confirmInfo', '第一阶段', '确认信息'],
  ['serviceInfo', '第一阶段', '选号服务说明'],
  ['verifyIdentity', '第二阶段', '身份验证'],
  ['drawing', '第二阶段', '预选号牌'],
  ['done', '第二阶段', '完成号牌预选'],
];

export function stepper(current) {
  const at = steps.findIndex(([key]) => key === current);
  return h('ol', { class: 'steps', 'aria-label': '选号步骤' }, steps.map(([key, phase, name], i) =>
    h('li', { class: i < at ? 'done' : i === at ? 'current' : '', 'aria-current': i === at ? 'step' : null },
      h('span', { class: 'phase', text: phase }), ' ', name)));
}
