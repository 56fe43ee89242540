// Test doubles for node --test: CacheStorage, Cache and fetch with the browser's async shapes.
const BASE = "http://localhost";
const keyOf = (request) => new URL(typeof request === "string" ? request : request.url, BASE).href;
const withoutSearch = (href) => href.split("?")[0];

export class FakeCache {
  constructor(fetch) {
    this.fetch = fetch;
    this.entries = new Map();
  }
  async put(request, response) {
    this.entries.set(keyOf(request), response);
  }
  async match(request, { ignoreSearch = false } = {}) {
    const key = keyOf(request);
    let hit = this.entries.get(key);
    if (!hit && ignoreSearch) {
      hit = [...this.entries].find(([k]) => withoutSearch(k) === withoutSearch(key))?.[1];
    }
    return hit ? hit.clone() : undefined;
  }
  async addAll(urls) {
    for (const url of urls) {
      const response = await this.fetch(url);
      if (!response.ok) throw new TypeError(`addAll: ${url} answered ${response.status}`);
      await this.put(url, response);
    }
  }
  keys() {
    return [...this.entries.keys()];
  }
  async delete(request) {
    return this.entries.delete(keyOf(request));
  }
}

export class FakeCaches {
  constructor(fetch = async () => new Response("")) {
    this.fetch = fetch;
    this.stores = new Map();
  }
  async open(name) {
    if (!this.stores.has(name)) this.stores.set(name, new FakeCache(this.fetch));
    return this.stores.get(name);
  }
  async keys() {
    return [...this.stores.keys()];
  }
  async delete(name) {
    return this.stores.delete(name);
  }
}

export function html(body, { status = 200, headers = {}, redirected = false } = {}) {
  const response = new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8", ...headers } });
  if (redirected) Object.defineProperty(response, "redirected", { value: true });
  return response;
}

export function json(body, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

// A fetch that answers from a list of handlers and records every call.
export function scriptedFetch(...answers) {
  const calls = [];
  async function fakeFetch(request, init = {}) {
    calls.push({ url: typeof request === "string" ? request : request.url, init });
    const answer = answers.length > 1 ? answers.shift() : answers[0];
    if (answer instanceof Error) throw answer;
    return typeof answer === "function" ? answer(request, init, calls.length) : answer.clone();
  }
  fakeFetch.calls = calls;
  return fakeFetch;
}

export const immediately = (callback) => {
  queueMicrotask(callback);
  return 0;
};
export const never = () => 0;
