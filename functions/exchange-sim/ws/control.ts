// Requests a client sends on a stream connection ({"method","params","id"}) and Binance's error codes for
// the bad ones: 0 unknown property, 1 invalid value type, 2 invalid request, 3 invalid JSON.

export type RequestId = number | string | null;

export type ControlRequest =
  | { readonly method: 'SUBSCRIBE' | 'UNSUBSCRIBE'; readonly streams: readonly string[]; readonly id: RequestId }
  | { readonly method: 'LIST_SUBSCRIPTIONS'; readonly id: RequestId }
  | { readonly method: 'SET_PROPERTY'; readonly combined: boolean; readonly id: RequestId }
  | { readonly method: 'GET_PROPERTY'; readonly id: RequestId };

export interface ControlError {
  readonly error: { readonly code: 0 | 1 | 2 | 3; readonly msg: string };
  readonly id: RequestId;
}

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'];

export function controlError(code: 0 | 1 | 2 | 3, msg: string, id: RequestId): ControlError {
  return { error: { code, msg }, id };
}

function requestId(value: unknown): RequestId | undefined {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^[A-Za-z0-9_-]{1,36}$/.test(value)) return value;
  return undefined;
}

/** The request in `text`, or the error to answer it with. */
export function parseControl(text: string): ControlRequest | ControlError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return controlError(3, `Invalid JSON: ${(error as Error).message}`, null);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return controlError(2, 'Invalid request: expected an object', null);
  const { method, params, id: rawId } = body as Record<string, unknown>;
  const id = requestId(rawId);
  if (id === undefined) {
    const what = rawId === undefined ? 'missing field `id`' : 'request ID must be an integer, a string of at most 36 letters and digits, or null';
    return controlError(2, `Invalid request: ${what}`, null);
  }
  if (typeof method !== 'string') return controlError(2, 'Invalid request: missing field `method`', id);
  if (!METHODS.includes(method)) return controlError(2, `Invalid request: unknown variant \`${method}\`, expected one of ${METHODS.map((m) => `\`${m}\``).join(', ')}`, id);
  if (method === 'LIST_SUBSCRIPTIONS') return { method, id };
  if (!Array.isArray(params)) return controlError(2, 'Invalid request: missing field `params`', id);
  if (method === 'SUBSCRIBE' || method === 'UNSUBSCRIBE') {
    if (!params.every((p) => typeof p === 'string')) return controlError(2, 'Invalid request: stream names must be strings', id);
    return { method, streams: params, id };
  }
  if (params[0] !== 'combined') return controlError(0, 'Unknown property', id);
  if (method === 'GET_PROPERTY') return { method, id };
  if (typeof params[1] !== 'boolean') return controlError(1, 'Invalid value type: expected Boolean', id);
  return { method: 'SET_PROPERTY', combined: params[1], id };
}
