import { describe, expect, it } from 'vitest';
import { AbortedError, InvalidInputError, ManifestError, QueueFullError, TrmError } from './index';

describe('TrmError.isInstance', () => {
  it('knows each class and its bases, and no sibling', () => {
    const error = new InvalidInputError({ field: 'options.maxSteps', message: 'too big', value: 5000 });
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(TrmError.isInstance(error)).toBe(true);
    expect(ManifestError.isInstance(error)).toBe(false);
    expect(QueueFullError.isInstance(new AbortedError())).toBe(false);
    expect(TrmError.isInstance(new Error('plain'))).toBe(false);
    expect(TrmError.isInstance('text')).toBe(false);
  });

  it('recognises an error made by another copy of the package (same global marker, other class objects)', () => {
    // A second copy defines its own classes with the same kinds; only the marker is shared.
    class OtherBase extends Error {
      constructor() {
        super('from another copy');
        Object.defineProperty(this, Symbol.for('trm.error'), { value: ['trm.error.invalid-input', 'trm.error'] });
      }
    }
    const foreign = new OtherBase();
    expect(foreign instanceof InvalidInputError).toBe(false);
    expect(InvalidInputError.isInstance(foreign)).toBe(true);
    expect(TrmError.isInstance(foreign)).toBe(true);
    expect(ManifestError.isInstance(foreign)).toBe(false);
  });
});
