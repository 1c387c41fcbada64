// Kubernetes resource quantities ("64Mi", "250m", "1.5G", "129e6") as plain numbers, for memory limits
// and the downward API's resourceFieldRef.
const SUFFIXES: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity in base units (bytes, cores); throws on text that is not a quantity. */
export function parseQuantity(text: string): number {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a Kubernetes quantity`);
  return Number(match[1]) * SUFFIXES[match[2] ?? '']!;
}

/** How the downward API reports a resource: in units of the divisor, rounded up. */
export const formatQuantity = (value: number, divisor: number) => String(Math.ceil(value / divisor - 1e-9));
