// Binance REST error payloads ({code, msg}) and query-parameter parsing that
// reports problems the way the real API does.

export class BinanceError extends Error {
  readonly code: number;
  readonly status: 400 | 404 | 418 | 429 | 500;

  constructor(code: number, msg: string, status: 400 | 404 | 418 | 429 | 500 = 400) {
    super(msg);
    this.code = code;
    this.status = status;
  }
}

export const invalidSymbol = (): BinanceError => new BinanceError(-1121, 'Invalid symbol.');

const mandatory = (name: string): BinanceError => new BinanceError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

const illegalChars = (name: string): BinanceError => new BinanceError(-1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);

const invalidLimit = (): BinanceError => new BinanceError(-1130, "Data sent for parameter 'limit' is not valid.");

type Query = (name: string) => string | undefined;

export function requiredParam(query: Query, name: string): string {
  const v = query(name);
  if (v === undefined || v === '') throw mandatory(name);
  return v;
}

export function optionalInt(query: Query, name: string): number | undefined {
  const v = query(name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,20}$/.test(v)) throw illegalChars(name);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw illegalChars(name);
  return n;
}

export function limitParam(query: Query, fallback: number, max: number): number {
  const limit = optionalInt(query, 'limit') ?? fallback;
  if (limit < 1 || limit > max) throw invalidLimit();
  return limit;
}

export function timeRange(query: Query): { startTime: number | undefined; endTime: number | undefined } {
  const startTime = optionalInt(query, 'startTime');
  const endTime = optionalInt(query, 'endTime');
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new BinanceError(-1023, 'Start time is greater than end time.');
  }
  return { startTime, endTime };
}
