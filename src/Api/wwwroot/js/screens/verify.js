// 第二阶段 步骤1 身份验证: a code to the owner's phone on the office's record; the confirm button unlocks when the
// countdown the server announced (confirmEnabledAt) ends, on the server's clock.
import { countdown, syncClock } from '../clock.js';
import { busy, errorBox, field, h, statusBox } from '../dom.js';
import { stepper } from './steps.js';
import { vehicleFacts } from './selection.js';

export function renderVerify(body, view, s) {
  const error = errorBox();
  const status = statusBox();
  const code = h('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, pattern: '[0-9]{6}', required: true });
  const send = h('button', { type: 'button', text: '获取验证码' });
  const confirm = h('button', { type: 'submit', class: 'primary', text: '确认', disabled: true });
  let stopResend = null;
  let stopConfirm = null;

  send.addEventListener('click', async () => {
    const sent = await busy(send, error, () => s.api.sendCode());
    if (!sent) return;
    syncClock(sent.serverTime);
    status.say(sent.simulated
      ? '模拟选号不发送短信验证码，请输入任意 6 位数字。'
      : `验证码已发送至车管所登记的手机号码 ${sent.sentTo}，请在 ${new Date(sent.expiresAt).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })} 前输入。`);
    stopResend?.();
    stopResend = countdown(sent.resendAfter, (left) => {
      send.disabled = left > 0;
      send.textContent = left > 0 ? `重新获取（${left} 秒）` : '重新获取验证码';
    }, null, (stop) => s.track(stop));
    stopConfirm?.();
    stopConfirm = countdown(sent.confirmEnabledAt, (left) => {
      confirm.disabled = left > 0;
      confirm.textContent = left > 0 ? `确认（${left}）` : '确认';
    }, null, (stop) => s.track(stop));
    code.focus();
  });

  const form = h('form', { class: 'card', on: { submit: async (event) => {
    event.preventDefault();
    const next = await busy(null, error, () => s.api.verify(code.value.trim()));
    if (next) s.show(next);
  } } },
  h('p', { text: s.practice
    ? '模拟选号不发送、不校验短信验证码。'
    : '验证码将发送至车管所登记的机动车所有人手机号码（预留手机号）。注册时填写的手机号码不接收验证码。' }),
  h('div', { class: 'inline' }, field('短信验证码', code, '6 位数字'), send),
  status, error,
  h('div', { class: 'actions' }, confirm, h('a', { class: 'button', href: '#/vehicles', text: '返回' })));

  body.append(s.title('身份验证'), stepper('verifyIdentity'), h('section', { class: 'card' }, vehicleFacts(s, view)), form);
}
