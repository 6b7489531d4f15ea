import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import { checkSettingKeys } from './check-settings';

describe('checkSettingKeys', () => {
  it('names an unknown key with its hint; an Object.prototype name gets no hint (never a function source)', () => {
    const refuse = (settings: object) => {
      try {
        checkSettingKeys(settings, ['threads'], 'options', { thread: 'did you mean threads?' });
      } catch (error) {
        return error as InvalidInputError;
      }
      throw new Error('not refused');
    };
    const hinted = refuse({ thread: 2 });
    expect(hinted).toBeInstanceOf(InvalidInputError);
    expect(hinted.field).toBe('options.thread');
    expect(hinted.message).toContain('did you mean threads?');
    const prototypeName = refuse({ toString: 1 });
    expect(prototypeName.field).toBe('options.toString');
    expect(prototypeName.message).not.toMatch(/native code|function/);
    expect(() => checkSettingKeys({ threads: 2 }, ['threads'], 'options')).not.toThrow();
  });
});
