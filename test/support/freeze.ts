// Deep-freezes a value, so that a test fails where code writes into what it must only read
// (the trees that successive analyses share).
export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
