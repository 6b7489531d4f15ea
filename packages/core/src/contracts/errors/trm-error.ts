const marker = Symbol.for('trm.error');

/**
 * Base class of every error the SDK throws. Each class names its `kind`; an instance carries the
 * kinds of its whole class chain under a global symbol, so `X.isInstance(error)` works across
 * duplicated copies of the package (where `instanceof` does not), for every subclass alike.
 */
export class TrmError extends Error {
  /** Stable identity of the class across copies of the package; subclasses set their own. */
  static readonly kind: string = 'trm.error';
  declare readonly [marker]: readonly string[];
  /** Path of the offending field in the caller's input or manifest, when there is one. */
  readonly field: string | undefined;

  constructor(options: { name?: string; message: string; field?: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = options.name ?? 'TrmError';
    this.field = options.field;
    const kinds: string[] = [];
    for (let type = new.target as { kind?: string } | null; type && type.kind !== undefined; type = Object.getPrototypeOf(type)) {
      if (!kinds.includes(type.kind)) kinds.push(type.kind);
    }
    Object.defineProperty(this, marker, { value: kinds, enumerable: false });
  }

  /** True for an error of this class or a subclass, from any copy of the package. */
  static isInstance<T extends abstract new (...args: any) => TrmError>(this: T & { kind: string }, error: unknown): error is InstanceType<T> {
    if (typeof error !== 'object' || error === null) return false;
    const kinds = (error as { [marker]?: unknown })[marker];
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}
