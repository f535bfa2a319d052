// The API client: every request of the pages goes through here. It adds the bearer token (kept in sessionStorage,
// never in a URL), turns every error into an ApiError whose message is the API's own words (ProblemDetails'
// detail), and retries a selection step that timed out or was refused for overload with the same Idempotency-Key.

const BASE = '/api/v1';
const TOKEN_KEY = 'plate.token';

/** An error the API answered (or the network failure that kept it from answering). message is for the user. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || fallback(status));
    this.status = status;
    this.code = problem?.code ?? (status === 0 ? 'network' : 'http_' + status);
    this.problem = problem ?? {};
  }
}

function fallback(status) {
  if (status === 0) return '无法连接服务器，请检查网络后重试。';
  if (status === 401) return '请先登录。';
  if (status === 404) return '请求的资源不存在。';
  if (status >= 500) return `服务器暂时无法处理（${status}），请稍后重试。`;
  return `请求未成功（${status}）。`;
}

export const token = () => sessionStorage.getItem(TOKEN_KEY);

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A random key for one user action: a retry of that action sends it again, and the API answers it once. */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends a request; resolves the JSON answer (null for 204, the Response itself for other content types when raw),
 * rejects with ApiError. options: body (sent as JSON), accept, key (Idempotency-Key), retries (for idempotent steps).
 */
export async function request(method, path, options = {}) {
  const { body, accept = 'application/json', key, retries = 0, raw = false } = options;
  const headers = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (key) headers['Idempotency-Key'] = key;
  // Signing in or registering never sends an old token: a refusal there is about the password, not the session.
  const bearer = path.startsWith('/auth/') ? null : token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;

  for (let attempt = 0; ; attempt++) {
    let response;
    try {
      response = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch {
      if (attempt < retries) { await sleep(500 * (attempt + 1)); continue; }
      throw new ApiError(0);
    }

    if (!response.ok) {
      const problem = await readProblem(response);
      // Overloaded or briefly unavailable (503 unavailable, with Retry-After): the same key again after the wait the
      // server asks for. Maintenance is a 503 too, but no retry ends it.
      const retryAfter = Number(response.headers.get('Retry-After'));
      if (response.status === 503 && problem?.code === 'unavailable' && attempt < retries && retryAfter > 0 && retryAfter <= 5) {
        await sleep(retryAfter * 1000);
        continue;
      }
      if (response.status === 401 && bearer) {
        setToken(null);
        window.dispatchEvent(new CustomEvent('plate:signedout', { detail: problem?.detail }));
      }
      throw new ApiError(response.status, problem);
    }

    if (response.status === 204) return null;
    if (raw) return response;
    const type = response.headers.get('Content-Type') ?? '';
    return type.includes('json') ? response.json() : response.text();
  }
}

async function readProblem(response) {
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

export const get = (path, options) => request('GET', path, options);
export const post = (path, body, options = {}) => request('POST', path, { ...options, body });
export const put = (path, body, options = {}) => request('PUT', path, { ...options, body });
export const del = (path, options) => request('DELETE', path, options);

/** The signed-in account, or null when nobody is signed in. */
let me = null;
export async function currentUser(refresh = false) {
  if (!token()) { me = null; return null; }
  if (!me || refresh) me = await get('/me');
  return me;
}

export async function signIn(username, password) {
  const answer = await post('/auth/token', { username, password });
  setToken(answer.accessToken);
  return currentUser(true);
}

export function signOut() {
  setToken(null);
  me = null;
}

export const isStaff = (user) => Boolean(user?.roles?.some((r) => r === 'admin' || r === 'operator'));
export const isAdmin = (user) => Boolean(user?.roles?.includes('admin'));

/**
 * One selection (formal: 'selections', practice: 'simulations') of one vehicle, as the pages use it. Every POST
 * carries a fresh Idempotency-Key and is retried with it, so a retried draw never costs a second draw.
 */
export function selection(flow, vin) {
  const path = (step = '') => `/${flow}/${encodeURIComponent(vin)}${step ? '/' + step : ''}`;
  const step = (name, body) => post(path(name), body, { key: newKey(), retries: 2 });
  return {
    enter: () => step(''),
    read: () => get(path()),
    confirmInfo: (noticeVersion) => step('info-confirmation', { noticeVersion }),
    start: () => step('start'),
    sendCode: () => step('sms-code'),
    verify: (code) => step('verification', { code }),
    draw: (excludeFour) => step('draws', { excludeFour }),
    backup: (plate) => step('backups', { plate }),
    confirm: (plate) => step('confirmation', { plate }),
    voucher: () => get(path('voucher')),
    book: (appointment) => post(path('appointment'), appointment, { key: newKey() }),
    cancelBooking: () => del(path('appointment')),
  };
}
