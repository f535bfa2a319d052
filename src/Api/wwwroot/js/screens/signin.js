// 登录 and 注册.
import { get, isStaff, post, signIn } from '../api.js';
import { busy, errorBox, field, h } from '../dom.js';
import { userTypes } from '../labels.js';
import { go } from '../router.js';

function afterSignIn(user) {
  window.dispatchEvent(new Event('plate:signedin'));
  const after = sessionStorage.getItem('plate.after');
  sessionStorage.removeItem('plate.after');
  go(after && after !== '/signin' ? after : isStaff(user) ? '/operator' : '/vehicles');
}

export function renderSignIn(main) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, maxlength: 64 });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 64 });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', text: '登录' });
  const notice = sessionStorage.getItem('plate.notice');
  sessionStorage.removeItem('plate.notice');
  const form = h('form', { class: 'card narrow', on: { submit: async (event) => {
    event.preventDefault();
    const user = await busy(submit, error, () => signIn(username.value.trim(), password.value));
    if (user) afterSignIn(user);
  } } },
  field('用户名', username), field('密码', password), error, h('div', { class: 'actions' }, submit));
  main.append(
    h('h1', { text: '登录' }),
    h('p', { class: 'error', role: 'alert', text: notice ?? '', hidden: !notice }),
    form,
    h('p', {}, '还没有账号？', h('a', { href: '#/register', text: '注册' })),
  );
}

export async function renderRegister(main) {
  const error = errorBox();
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, maxlength: 64 });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 64 });
  const phone = h('input', { name: 'phone', type: 'tel', inputmode: 'numeric', autocomplete: 'tel', required: true, maxlength: 11, pattern: '1[0-9]{10}' });
  const userType = h('select', { name: 'userType' }, Object.entries(userTypes).map(([value, text]) => h('option', { value, text })));
  const office = h('select', { name: 'officeCode', required: true });
  const idNumber = h('input', { name: 'idNumber', required: true, maxlength: 18, autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'primary', text: '注册' });
  const form = h('form', { class: 'card narrow', on: { submit: async (event) => {
    event.preventDefault();
    const user = await busy(submit, error, async () => {
      await post('/auth/register', {
        username: username.value.trim(), password: password.value, phone: phone.value.trim(),
        userType: userType.value, officeCode: office.value, idNumber: idNumber.value.trim().toUpperCase(),
      });
      return signIn(username.value.trim(), password.value);
    });
    if (user) afterSignIn(user);
  } } },
  field('用户名', username), field('密码', password, '8 到 64 个字符'), field('手机号码', phone, '11 位，以 1 开头'),
  field('用户类型', userType), field('注册地车管所', office),
  field('身份证号码 / 统一社会信用代码', idNumber, '18 位；单位用户填写统一社会信用代码'), error, h('div', { class: 'actions' }, submit));
  main.append(h('h1', { text: '注册' }), form, h('p', {}, '已有账号？', h('a', { href: '#/signin', text: '登录' })));
  try {
    const offices = await get('/offices');
    office.replaceChildren(...offices.map((o) => h('option', { value: o.code, text: `${o.name}（${o.prefix}）` })));
  } catch (e) {
    error.show(e);
  }
}
