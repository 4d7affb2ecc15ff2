/** Calls the console API of a running dev stack as the page does; answers `{ status, body }` (JSON or undefined). */
export type ConsoleApi = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

export function consoleApi(baseUrl: () => string): ConsoleApi {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl()}/console/api${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}
