// Hash routes (#/vehicles, #/select/VIN, ...): the pages are static files, so any address works without a server
// rule, and nothing secret ever goes in the address (tokens stay in sessionStorage).

const routes = [];
let leaving = [];

/** Registers a route: pattern like '/select/:vin', render(main, params, ctx). */
export function route(pattern, render) {
  const names = [];
  const regex = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, name) => { names.push(name); return '([^/]+)'; }) + '$');
  routes.push({ regex, names, render });
}

export const go = (path) => {
  if (location.hash === '#' + path) show();
  else location.hash = path;
};

export const currentPath = () => location.hash.replace(/^#/, '') || '/';

/** Shows the screen of the current address; stops the countdowns of the one before. */
export async function show() {
  for (const stop of leaving) stop();
  leaving = [];
  const path = currentPath();
  // Each screen renders into an element of its own: a screen still waiting for the API when the user moved on
  // finishes into a detached element, never into the next screen.
  const screen = document.createElement('div');
  document.getElementById('main').replaceChildren(screen);
  for (const { regex, names, render } of routes) {
    const match = regex.exec(path);
    if (!match) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
    const ctx = { track: (stop) => (screen.isConnected ? leaving.push(stop) : stop()), path };
    await render(screen, params, ctx);
    if (screen.isConnected) focusHeading(screen);
    return;
  }
  go('/');
}

/** Moves the keyboard focus to the new screen's heading, so keyboard and screen-reader users start at its top. */
export function focusHeading(main) {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

export function start() {
  window.addEventListener('hashchange', show);
  show();
}
