// Entry point: the routes of the citizen pages, the public pool page and the operator page.
import { currentUser, isStaff, signOut, token } from './api.js';
import { h } from './dom.js';
import { currentPath, go, route, start, show } from './router.js';
import { renderSignIn, renderRegister } from './screens/signin.js';
import { renderVehicles } from './screens/vehicles.js';
import { renderOffices } from './screens/offices.js';
import { renderSelection } from './screens/selection.js';
import { renderPool } from './screens/pool.js';
import { renderOperator } from './screens/operator.js';

/** Screens that need a signed-in user send others to the sign-in page, and back afterwards. */
const signedIn = (render) => async (main, params, ctx) => {
  if (!token()) {
    sessionStorage.setItem('plate.after', ctx.path);
    go('/signin');
    return;
  }
  await render(main, params, ctx);
};

route('/', async () => {
  if (!token()) { go('/signin'); return; }
  try {
    const user = await currentUser();
    go(isStaff(user) ? '/operator' : '/vehicles');
  } catch {
    go('/signin');
  }
});
route('/signin', renderSignIn);
route('/register', renderRegister);
route('/vehicles', signedIn(renderVehicles));
route('/offices', signedIn(renderOffices));
route('/select/:vin', signedIn((main, params, ctx) => renderSelection(main, { ...params, flow: 'selections' }, ctx)));
route('/practice/:vin', signedIn((main, params, ctx) => renderSelection(main, { ...params, flow: 'simulations' }, ctx)));
route('/pool/:code', renderPool);
route('/operator', signedIn(renderOperator));

/** The menu: what a signed-in citizen or operator can go to, and signing out. */
async function renderNav() {
  const nav = document.getElementById('nav');
  const items = [];
  let user = null;
  try { user = token() ? await currentUser() : null; } catch { user = null; }
  if (user && isStaff(user)) items.push(h('a', { href: '#/operator', text: '业务管理' }));
  else if (user) items.push(h('a', { href: '#/vehicles', text: '我的车辆' }));
  if (user) {
    items.push(h('span', { class: 'who', text: user.username }));
    items.push(h('button', { type: 'button', class: 'link', text: '退出', on: { click: () => { signOut(); renderNav(); go('/signin'); } } }));
  } else {
    items.push(h('a', { href: '#/signin', text: '登录' }), h('a', { href: '#/register', text: '注册' }));
  }
  nav.replaceChildren(...items);
}

/** Practice (模拟选号) is marked on every screen it shows: a banner above the page. */
function markPractice() {
  document.getElementById('practice-banner').hidden = !location.hash.startsWith('#/practice/');
}

window.addEventListener('hashchange', renderNav);
window.addEventListener('hashchange', markPractice);
markPractice();
window.addEventListener('plate:signedin', renderNav);
window.addEventListener('plate:signedout', (event) => {
  sessionStorage.setItem('plate.notice', event.detail || '登录已失效，请重新登录。');
  if (!currentPath().startsWith('/signin')) sessionStorage.setItem('plate.after', currentPath());
  renderNav();
  go('/signin');
});

renderNav();
start();
export { show };
